package io.github.vlmlens.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.ImageTokenDefinition;
import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import io.github.vlmlens.core.analysis.SwapResult.Readout;
import io.github.vlmlens.core.analysis.SwapSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwapReportTest {
  @TempDir Path tmp;

  /** A small hand-made result: two layers, two sets, one kept and one excluded sample. */
  static SwapResult result() {
    SwapConfig c = SwapConfig.builder().name("mirror <swap>").layers(0, 1)
        .swapSets(SwapSet.OBJECT_WORDS, SwapSet.CONTROL_TEXT).formula(ShiftFormula.PROBABILITY).build();
    Map<SwapSet, List<Readout>> ro = new LinkedHashMap<>();
    ro.put(SwapSet.OBJECT_WORDS, List.of(new Readout(0, -0.5, -2, 0.0, 0.0), new Readout(1, -2, -0.5, 1.0, null)));
    ro.put(SwapSet.CONTROL_TEXT, List.of(new Readout(0, -0.5, -2, 0.0, 0.0), new Readout(1, -0.5, -2, 0.0, 0.0)));
    SwapResult.Sample kept = new SwapResult.Sample("a", "left", "right", List.of("dog", "cat"), "f1",
        -0.5, -2, -2, -0.5, 0.47, false, null, List.of(5, 9), List.of(2, 7), ro);
    SwapResult.Sample gone = new SwapResult.Sample("b&c", "left", "right", List.of("dog", "cat"), "f2",
        -0.69, -0.7, -0.7, -0.69, 0.005, true, "|P_x(GT) - P_y(GT)| = 0.005 is below the threshold 0.05",
        List.of(5, 9), List.of(3, 4), Map.of());
    List<Curve> curves = List.of(
        new Curve(SwapSet.OBJECT_WORDS, List.of(new LayerStats(0, 1, 0, 0, 0, 0), new LayerStats(1, 1, 1, 0, 1, 1))),
        new Curve(SwapSet.CONTROL_TEXT,
            List.of(new LayerStats(0, 1, 0, 0, 0, 0), new LayerStats(1, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN))));
    MergingPoint mp = new MergingPoint(1, 1, 1, 1.0, 0.9, "rule", 1, 0.5, 0.1, 0.9);
    return new SwapResult("tiny", 1, List.of(0, 1), null, c, "hash", 2, 1, 1.0, 1.0, curves, mp, "", List.of(), List.of(kept, gone), null);
  }

  @Test
  void theImageTokenDefinitionIsRecordedAndReported() throws Exception {
    SwapResult r = result();
    SwapConfig c = SwapConfig.builder().name("mirror").layers(0, 1).swapSets(SwapSet.ALL_IMAGE).build();
    List<Readout> ro = List.of(new Readout(0, -2, -0.5, 1.0, 1.0), new Readout(1, -0.5, -2, 0.0, 0.0));
    SwapResult.Sample s = new SwapResult.Sample("a", "left", "right", List.of("dog", "cat"), "f1",
        -0.5, -2, -2, -0.5, 0.47, false, null, List.of(5, 9), List.of(), Map.of(SwapSet.ALL_IMAGE, ro));
    SwapResult cross = new SwapResult("mllama", 1, List.of(0, 1), ImageTokenDefinition.CROSS_ATTENTION_STATES, c,
        "hash", 1, 0, 1.0, 1.0, List.of(new Curve(SwapSet.ALL_IMAGE,
            List.of(new LayerStats(0, 1, 1, 0, 1, 1), new LayerStats(1, 1, 0, 0, 0, 0)))),
        null, "none", List.of(), List.of(s), null);
    assertEquals(ImageTokenDefinition.TEXT_STREAM_POSITIONS, r.imageTokenDefinition(), "null reads as the text stream");
    Path out = tmp.resolve("cross");
    String summary = SwapReport.writeAll(cross, out);
    String sentence = ImageTokenDefinition.CROSS_ATTENTION_STATES.sentence();
    assertTrue(summary.contains(sentence), summary);
    assertTrue(Files.readString(out.resolve(SwapReport.HTML_FILE)).contains("cross-attention states of y"));
    SwapResult back = SwapReport.readJson(out.resolve(SwapReport.JSON_FILE));
    assertEquals(ImageTokenDefinition.CROSS_ATTENTION_STATES, back.imageTokenDefinition());
    assertTrue(Files.readString(out.resolve(SwapReport.JSON_FILE)).contains("\"imageTokenDefinition\" : \"CROSS_ATTENTION_STATES\""));
    // a result that did not sweep all image tokens does not talk about them
    assertFalse(SwapReport.writeAll(r, tmp.resolve("plain")).contains("All image tokens"));
  }

  @Test
  void jsonRoundTripsNaNAndNulls() {
    SwapResult r = result();
    Path f = tmp.resolve("r.json");
    SwapReport.writeJson(r, f);
    SwapResult back = SwapReport.readJson(f);
    assertEquals(r, back);
    assertEquals(SwapReport.toJson(r), SwapReport.toJson(back));
    assertEquals(List.of(SwapSet.OBJECT_WORDS, SwapSet.CONTROL_TEXT),
        new ArrayList<>(back.samples().get(0).readouts().keySet()));
  }

  @Test
  void aConfigWithoutLayersIsGivenTheLayersSweptAlsoFromAnOldFile() throws Exception {
    SwapResult r = result();
    Path f = tmp.resolve("old.json");
    SwapReport.writeJson(r, f);
    String json = Files.readString(f);
    int config = json.indexOf("\"config\"");
    int layers = json.indexOf("\"layers\"", config);
    String old = json.substring(0, layers) + "\"layers\" : [ ]" + json.substring(json.indexOf(']', layers) + 1);
    assertTrue(old.contains("\"layers\" : [ ]"), old);
    Files.writeString(f, old);
    SwapResult back = SwapReport.readJson(f);
    assertEquals(List.of(0, 1), back.config().layers());
    assertEquals(r, back);
  }

  @Test
  void htmlEmbedsOnePngPerSetPlusTheOverviewAndNamesTheMergingPoint() throws Exception {
    String summary = SwapReport.writeAll(result(), tmp.resolve("out"));
    String html = Files.readString(tmp.resolve("out").resolve(SwapReport.HTML_FILE));
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    int images = 0;
    while (m.find()) {
      byte[] png = Base64.getDecoder().decode(m.group(1));
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
      images++;
    }
    assertEquals(3, images);
    assertTrue(html.contains("Modality merging point: layer 1 "), html);
    assertTrue(html.contains("b&amp;c"), "excluded ids are listed, escaped");
    assertTrue(html.contains("mirror &lt;swap&gt;"));
    assertTrue(summary.contains("2 samples, 1 excluded"), summary);
    assertTrue(summary.contains("Modality merging point: layer 1 (object-word shift peaks at 1.000"), summary);
    assertTrue(Files.exists(tmp.resolve("out").resolve(SwapReport.JSON_FILE)));
    assertTrue(html.contains("<h2>Settings</h2>"), "every report has its settings");
    for (int i = 1; i <= 3; i++) {
      String prefix = String.format("%02d-", i);
      try (var files = Files.list(tmp.resolve("out").resolve("figures"))) {
        assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith(prefix)).count(),
            "SVG and PNG of chart " + i);
      }
    }
  }
}
