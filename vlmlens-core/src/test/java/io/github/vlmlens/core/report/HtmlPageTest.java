package io.github.vlmlens.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

class HtmlPageTest {
  @TempDir Path tmp;

  private static XYChart chart(String title) {
    XYChart c = new XYChartBuilder().width(200).height(150).title(title).build();
    c.addSeries("s", new double[] {0, 1, 2}, new double[] {1, 0, 2});
    return c;
  }

  @Test
  void partsAppearInOrderEscapedAndChartsAsDecodablePng() throws Exception {
    XYChart c = chart("R^2 <by> layer");
    String html = HtmlPage.titled("IDs & steering").heading("Linearity").paragraph("a < b")
        .table(List.of("layer", "R^2"), List.of(List.of("1", "0.9"), List.of("2", "<1")))
        .chart(c).chartRow(List.of(chart("one"), chart("two"))).preformatted("{\"k\": 1}").render();
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
    assertArrayEquals(HtmlPage.png(c), png);
    assertTrue(html.contains("alt=\"R^2 &lt;by&gt; layer\""));
  }

  @Test
  void aRaggedTableNamesItsRowAndWriteCreatesTheDirectory() throws Exception {
    HtmlPage p = HtmlPage.titled("t");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.table(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3"))));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    Path f = tmp.resolve("x/y/report.html");
    HtmlPage.titled("t").paragraph("hello").write(f);
    assertTrue(Files.readString(f).contains("<p>hello</p>"));
  }
}
