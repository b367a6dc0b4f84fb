package io.github.vlmlens.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Each module carries its own version (DESIGN.md); the parent's {@code vlmlens-*.version}
 * properties and {@code vlmlens-bom} state which versions go together. They must agree, or a
 * release of one module would publish a parent or BOM that names a version that does not exist.
 */
class ModuleVersionsTest {
  private static final Path ROOT = Poms.root();
  private static final Element PARENT = Poms.read(ROOT.resolve("pom.xml")).getDocumentElement();

  /** The library modules: the parent's modules but the BOM. */
  private static List<String> modules() {
    List<String> out = new ArrayList<>();
    for (Element m : Poms.children(Poms.path(PARENT, "modules"), "module")) {
      if (!m.getTextContent().trim().equals("vlmlens-bom")) {
        out.add(m.getTextContent().trim());
      }
    }
    return out;
  }

  private static Element module(String m) {
    return Poms.read(ROOT.resolve(m).resolve("pom.xml")).getDocumentElement();
  }

  @Test
  void everyModulesVersionIsTheParentsPropertyForIt() {
    Element props = Poms.path(PARENT, "properties");
    assertTrue(modules().size() >= 5, "modules " + modules());
    for (String m : modules()) {
      Element pom = module(m);
      assertEquals(m, Poms.text(pom, "artifactId"), "the folder's artifact");
      assertEquals(Poms.text(props, m + ".version"), Poms.text(pom, "version"),
          m + "/pom.xml <version> against the parent's <" + m + ".version>");
      assertEquals(Poms.text(PARENT, "version"), Poms.path(pom, "parent", "version").getTextContent().trim(),
          m + "/pom.xml must name the parent's current version");
    }
  }

  @Test
  void theBomManagesExactlyTheModulesAtTheirVersions() {
    Element bom = Poms.read(ROOT.resolve("vlmlens-bom/pom.xml")).getDocumentElement();
    assertEquals(null, Poms.child(bom, "parent"), "vlmlens-bom must not inherit the parent's dependencyManagement");
    Map<String, String> managed = new TreeMap<>();
    for (Element d : Poms.children(Poms.path(bom, "dependencyManagement", "dependencies"), "dependency")) {
      assertEquals("io.github.vlmlens", Poms.text(d, "groupId"), "vlmlens-bom manages vlmlens artifacts only");
      managed.put(Poms.text(d, "artifactId"), Poms.text(d, "version"));
    }
    Map<String, String> expected = new TreeMap<>();
    for (String m : modules()) {
      expected.put(m, Poms.text(module(m), "version"));
    }
    assertEquals(expected, managed);
  }
}
