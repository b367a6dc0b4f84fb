package io.github.vlmlens.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * A library that adds {@code vlmlens-tiny} gets the tiny models without the command line: through
 * the vlmlens poms it reaches core and hooks only, and neither picocli nor a logging backend
 * ({@code slf4j-simple}), whose choice is the application's.
 */
class TinyModuleDependenciesTest {
  private static final Path ROOT = Poms.root();
  private static final String GROUP = "io.github.vlmlens";

  /** The non-test dependencies of a module's pom, profiles included, as groupId:artifactId. */
  private static Set<String> dependencies(String module) {
    Element pom = Poms.read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
    Set<String> out = new TreeSet<>();
    collect(Poms.child(pom, "dependencies"), out);
    Element profiles = Poms.child(pom, "profiles");
    if (profiles != null) {
      for (Element p : Poms.children(profiles, "profile")) {
        collect(Poms.child(p, "dependencies"), out);
      }
    }
    return out;
  }

  private static void collect(Element dependencies, Set<String> out) {
    if (dependencies == null) {
      return;
    }
    for (Element d : Poms.children(dependencies, "dependency")) {
      if (!"test".equals(Poms.text(d, "scope"))) {
        out.add(Poms.text(d, "groupId") + ":" + Poms.text(d, "artifactId"));
      }
    }
  }

  @Test
  void theTinyModuleReachesHooksAndCoreAndNoCommandLineOrLoggingBackend() {
    Set<String> modules = new TreeSet<>();
    Set<String> external = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add("vlmlens-tiny");
    while (!todo.isEmpty()) {
      String m = todo.pop();
      if (!modules.add(m)) {
        continue;
      }
      for (String d : dependencies(m)) {
        if (d.startsWith(GROUP + ":")) {
          todo.add(d.substring(GROUP.length() + 1));
        } else {
          external.add(d);
        }
      }
    }
    assertEquals(Set.of("vlmlens-tiny", "vlmlens-hooks", "vlmlens-core"), modules);
    assertTrue(external.stream().noneMatch(d -> d.startsWith("info.picocli:") || d.equals("org.slf4j:slf4j-simple")),
        "vlmlens-tiny brings " + external);
  }
}
