package io.github.vlmlens.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Reads the project's own poms (tests run in the module's folder, one level below the parent). */
final class Poms {
  private Poms() {}

  /** The folder of the parent pom: the first folder upwards whose pom is {@code vlmlens-parent}. */
  static Path root() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      if (Files.isRegularFile(pom) && "vlmlens-parent".equals(text(read(pom).getDocumentElement(), "artifactId"))) {
        return d;
      }
    }
    throw new IllegalStateException("no vlmlens-parent pom above " + Path.of("").toAbsolutePath());
  }

  static Document read(Path pom) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(pom.toFile());
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("cannot read " + pom, e);
    }
  }

  /** The text of {@code parent}'s direct child {@code name}, or null when it has none. */
  static String text(Element parent, String name) {
    Element c = child(parent, name);
    return c == null ? null : c.getTextContent().trim();
  }

  static Element child(Element parent, String name) {
    List<Element> cs = children(parent, name);
    return cs.isEmpty() ? null : cs.get(0);
  }

  /** The direct children of {@code parent} named {@code name}, in order. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Follows a path of direct children, e.g. {@code path(project, "parent", "version")}. */
  static Element path(Element from, String... names) {
    Element e = from;
    for (String n : names) {
      e = child(e, n);
      if (e == null) {
        throw new IllegalStateException("no <" + String.join("><", names) + "> under <" + from.getTagName() + ">");
      }
    }
    return e;
  }
}
