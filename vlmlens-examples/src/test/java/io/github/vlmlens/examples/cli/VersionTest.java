package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import picocli.CommandLine;

class VersionTest {
  /** vlmlens-examples' own {@code <version>}, read from its pom (tests run in the module folder). */
  private static String pomVersion() throws Exception {
    Path pom = Path.of("pom.xml");
    if (!Files.isRegularFile(pom)) {
      pom = Path.of("vlmlens-examples/pom.xml");
    }
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("version")) {
        return e.getTextContent().trim();
      }
    }
    throw new AssertionError(pom + " has no <version>");
  }

  @Test
  void versionPrintsThePomsVersion() throws Exception {
    CommandLine cl = VlmlensCli.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--version"));
    assertEquals("vlmlens " + pomVersion(), out.toString().trim());
  }
}
