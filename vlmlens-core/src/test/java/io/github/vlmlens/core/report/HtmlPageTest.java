package io.github.vlmlens.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.analysis.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlPageTest {
  @TempDir Path tmp;

  private static Plot chart(String title) {
    return Plot.lines(title, "x", "y").withSize(200, 150).withLine("s", new double[] {0, 1, 2}, new double[] {1, 0, 2});
  }

  private static Provenance provenance() {
    ModelInfo m = new ModelInfo("tiny", "llava", "sha256:abc", "float32", "cpu()",
        Map.of("djl", "0.36.0", "pytorch", "2.7.1"));
    return new Provenance("0.1.0", "17.0.9", "Linux amd64", m, "swap", Map.of("name", "demo", "threshold", 0.1),
        Map.of("seed", 7L), 8, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z");
  }

  @Test
  void partsAppearInOrderEscapedAndChartsAsDecodablePng() throws Exception {
    Plot c = chart("R^2 <by> layer");
    String html = HtmlPage.titled("IDs & steering").heading("Linearity").paragraph("a < b")
        .table(List.of("layer", "R^2"), List.of(List.of("1", "0.9"), List.of("2", "<1")))
        .chart(c).chartRow(List.of(chart("one"), chart("two"))).preformatted("{\"k\": 1}")
        .settings(Map.of("k", 1), Map.of("model", "tiny")).render();
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<title>IDs &amp; steering</title>"));
    assertTrue(html.contains("<p>a &lt; b</p>"));
    assertTrue(html.contains("<td>&lt;1</td>"));
    assertTrue(html.contains("{&quot;k&quot;: 1}"));
    assertTrue(html.indexOf("<h2>Linearity</h2>") < html.indexOf("<table>"));
    assertEquals(3, html.split("data:image/png;base64,", -1).length - 1);
    String b64 = html.substring(html.indexOf("base64,") + 7, html.indexOf('"', html.indexOf("base64,")));
    byte[] png = Base64.getDecoder().decode(b64);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    assertTrue(html.contains("alt=\"R^2 &lt;by&gt; layer\""));
    assertTrue(html.contains("href=\"figures/01-r-2-by-layer.svg\""), html);
    assertTrue(html.contains("href=\"figures/03-two.png\""));
  }

  @Test
  void everyPageNeedsASettingsSectionFromTheProvenance() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HtmlPage.titled("no settings").render());
    assertTrue(e.getMessage().contains("'no settings' has no Settings section"), e.getMessage());
    String html = HtmlPage.titled("t").settings(provenance()).render();
    for (String s : List.of("<h2>Settings</h2>", "<td>weights fingerprint</td><td>sha256:abc</td>",
        "<td>djl</td><td>0.36.0</td>", "<td>pytorch</td><td>2.7.1</td>", "<td>device</td><td>cpu()</td>",
        "<td>dtype</td><td>float32</td>", "<td>vlmlens</td><td>0.1.0</td>", "<td>seeds</td><td>{seed=7}</td>",
        "&quot;threshold&quot; : 0.1")) {
      assertTrue(html.contains(s), s);
    }
  }

  @Test
  void aRaggedTableNamesItsRowAndWriteCreatesTheDirectoryAndTheFigures() throws Exception {
    HtmlPage p = HtmlPage.titled("t");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.table(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3"))));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    Path f = tmp.resolve("x/y/report.html");
    HtmlPage.titled("t").paragraph("hello").chart(chart("Mean shift")).settings(Map.of(), Map.of()).write(f);
    assertTrue(Files.readString(f).contains("<p>hello</p>"));
    String svg = Files.readString(tmp.resolve("x/y/figures/01-mean-shift.svg"));
    assertTrue(svg.contains("<svg") && svg.contains("<path"), svg.substring(0, Math.min(300, svg.length())));
    byte[] png = Files.readAllBytes(tmp.resolve("x/y/figures/01-mean-shift.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    Path g = tmp.resolve("plain/report.html");
    HtmlPage.titled("t").settings(Map.of(), Map.of()).write(g);
    assertFalse(Files.exists(tmp.resolve("plain/figures")));
  }
}
