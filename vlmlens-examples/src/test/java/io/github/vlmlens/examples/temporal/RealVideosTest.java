package io.github.vlmlens.examples.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.examples.cli.VlmlensCli;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.examples.tiny.TinyVideoVlmRecipe;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
import io.github.vlmlens.temporal.ids.TemporalIdExtraction;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.real.RealVideoSteerResult;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.real.RealVideoSwap;
import io.github.vlmlens.temporal.real.VideoData;
import io.github.vlmlens.temporal.real.VideoEntry;
import io.github.vlmlens.temporal.video.Mp4Writer;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoSampler;
import io.github.vlmlens.temporal.video.VideoSpec;
import io.github.vlmlens.tiny.TinyVideoVlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User videos end to end on the bundled tiny video VLM: synthetic object videos written as H.264
 * MP4 files (lossy, as real files are) with an MVBench-style manifest, read back through the
 * manifest reader and the decoder, and swept by the temporal mirror swap (counterfactual: the
 * frames reversed) from the command line; a folder with sidecars and a default question; bad
 * manifests, each with its own error and nothing written.
 */
class RealVideosTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int N = 10;

  @TempDir static Path dir;
  private static HookedVlm vlm;
  private static List<ObjectVideo> videos;
  private static Path manifest;

  @BeforeAll
  static void setUp() throws Exception {
    vlm = TinyVideoVlm.load();
    videos = new ArrayList<>();
    for (ObjectVideo v : VideoSampler.of(VideoSpec.tiny()).objectVideos(41, 3 * N)) {
      if (v.isDefined() && videos.size() < N) {
        videos.add(v);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ObjectVideo v = videos.get(i);
      String name = (i % 2 == 0 ? "clips/" : "") + "clip" + i + ".mp4";
      Mp4Writer.write(v.frames(), dir.resolve("data").resolve(name));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("video", name);
      row.put("question", v.question().text());
      row.put("candidates", List.of("before", "after"));
      row.put("answer", v.question().correctAnswer().orElseThrow());
      row.put("accurate_start", 0.0); // MVBench's extra keys are ignored
      rows.add(row);
    }
    manifest = write(dir.resolve("data/manifest.json"), rows);
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  private static Path write(Path file, Object json) throws Exception {
    Files.createDirectories(file.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    return file;
  }

  private static String[] cli(String... args) {
    return io.github.vlmlens.examples.cli.InProcessCli.run(args);
  }

  @Test
  void temporalSwapOnMp4FilesFromTheCommandLine() throws Exception {
    Path out = dir.resolve("swap");
    String[] r = cli("temporal-swap", "--videos", manifest.toString(), "--frames", "8", "--layers", "0,2,4,6",
        "--no-progress", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    SwapResult res = SwapReport.readJson(out.resolve(SwapReport.JSON_FILE));
    io.github.vlmlens.examples.ResultSchemas.assertValid(out.resolve(SwapReport.JSON_FILE), SwapResult.class);
    assertTrue(Files.exists(out.resolve(SwapReport.HTML_FILE)));
    assertEquals("temporal mirror swap (real videos)", res.config().name());
    assertEquals(List.of(0, 2, 4, 6), res.layers());
    assertEquals(N, res.sampleCount());
    for (int i = 0; i < N; i++) {
      SwapResult.Sample s = res.samples().get(i);
      ObjectVideo v = videos.get(i);
      assertEquals(String.format("video-%04d", i), s.id());
      assertEquals(v.question().correctAnswer().orElseThrow(), s.gtAnswer());
      assertEquals(v.question().wrongAnswer().orElseThrow(), s.otherAnswer());
      assertEquals(v.question().objectWords(), s.objectWords());
    }
    // The model reads the order from the decoded files, and reversing them flips its answer.
    System.out.printf("real-video swap on the tiny video VLM: accuracy x %.2f, y %.2f, excluded %d of %d%n",
        res.accuracyX(), res.accuracyY(), res.excludedCount(), res.sampleCount());
    assertTrue(res.accuracyX() >= 0.8 && res.accuracyY() >= 0.8, res.accuracyX() + " " + res.accuracyY());
    double allImage = res.curve(SwapSet.ALL_IMAGE).at(0).mean();
    assertTrue(allImage > 0.5, "swapping every image token at layer 0 moves the belief: " + allImage);
    assertFalse(res.provenance().configuration().toString().isEmpty());
    // A second run over the same directory resumes from the journal: the same numbers.
    String[] again = cli("temporal-swap", "--videos", manifest.toString(), "--layers", "0,2,4,6",
        "--no-progress", "--out", out.toString());
    assertEquals("0", again[0], again[2]);
    assertEquals(res.samples(), SwapReport.readJson(out.resolve(SwapReport.JSON_FILE)).samples());
  }

  @Test
  void folderWithSidecarsAndADefaultQuestion() throws Exception {
    Path folder = dir.resolve("folder");
    Files.createDirectories(folder);
    for (int i = 0; i < 3; i++) {
      Files.copy(dir.resolve("data").resolve((i % 2 == 0 ? "clips/" : "") + "clip" + i + ".mp4"),
          folder.resolve("clip" + i + (i == 1 ? ".MOV" : ".mp4")));
    }
    ObjectVideo v0 = videos.get(0);
    Map<String, Object> side = new LinkedHashMap<>();
    side.put("question", v0.question().text());
    side.put("options", List.of("after", "before"));
    side.put("answer", v0.question().correctAnswer().orElseThrow());
    write(folder.resolve("clip0.json"), side);
    String q = videos.get(1).question().text();
    List<VideoEntry> entries = VideoData.folder(folder, q, List.of("before", "after"));
    assertEquals(List.of("clip0", "clip1", "clip2"), entries.stream().map(VideoEntry::id).toList());
    assertTrue(entries.get(0).labelled());
    assertFalse(entries.get(1).labelled());
    SwapResult r = RealVideoSwap.of(vlm, RealVideoSwap.swapConfig().layers(2).bootstrapResamples(100).build())
        .withProgressBar(false).run(entries, null);
    assertEquals(v0.question().correctAnswer().orElseThrow(), r.samples().get(0).gtAnswer());
    // unlabelled: the model's own answer stands in, so it is right on x by construction
    for (int i = 1; i < 3; i++) {
      SwapResult.Sample s = r.samples().get(i);
      assertTrue(s.logProbXGt() >= s.logProbXOther(), s.toString());
    }
    // Without a question, a video without a sidecar is refused.
    Path out = dir.resolve("folder-out");
    String[] e = cli("temporal-swap", "--videos", folder.toString(), "--out", out.toString());
    assertEquals("2", e[0], e[2]);
    assertTrue(e[2].contains("clip1.MOV has no sidecar clip1.json"), e[2]);
    assertFalse(Files.exists(out));
  }

  @Test
  void badManifestsEachSayWhatIsWrongAndWriteNothing() throws Exception {
    String q = videos.get(0).question().text();
    String a = videos.get(0).question().correctAnswer().orElseThrow();
    Path bad = dir.resolve("data/bad");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("malformed.json"), "[{\"video\": \"../clip1.mp4\",\n \"question\": }]");
    assertRefused(bad.resolve("malformed.json"), "malformed.json is not valid JSON (line 2");
    assertRefused(write(bad.resolve("missing.json"), List.of(
        row("../clip1.mp4", q, List.of("before", "after"), a),
        row("../clip99.mp4", q, List.of("before", "after"), a))),
        "missing.json entry 1 (video '../clip99.mp4'): video file");
    assertRefused(write(bad.resolve("answer.json"), List.of(row("../clip1.mp4", q, List.of("before", "after"), "sooner"))),
        "answer.json entry 0 (video '../clip1.mp4'): answer 'sooner' is not among the candidates [before, after]");
    assertRefused(write(bad.resolve("token.json"), List.of(row("../clip1.mp4", q, List.of("before", "after", "Later"), a))),
        "token.json entry 0 (video clip1.mp4): candidate 'Later' is not a single token of model");
    assertRefused(write(bad.resolve("noflip.json"), List.of(row("../clip1.mp4", q, List.of("square", "disk"), "disk"))),
        "noflip.json entry 0 (video '../clip1.mp4'): the answer 'disk' is not an order word");
    assertRefused(write(bad.resolve("keys.json"), List.of(Map.of("video", "../clip1.mp4", "question", q))),
        "keys.json entry 0 (video '../clip1.mp4'): missing 'candidates'");
    assertRefused(write(bad.resolve("words.json"), List.of(row("../clip1.mp4", "Which came first?", List.of("before", "after"), a))),
        "cannot read the two object words of \"Which came first?\"");
    String[] r = cli("temporal-swap", "--videos", manifest.toString(), "--samples", "5", "--out", dir.resolve("x").toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--samples does not apply with --videos"), r[2]);
  }

  @Test
  void steeringUserVideosWithSyntheticTemporalIds() throws Exception {
    TemporalIdResult ids = TemporalIdExtraction.of(vlm, TemporalIdConfig.builder().video(TinyVideoVlmRecipe.video())
            .pairs(TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), 4, 3)).positionsPerFrame(1).layers(1, 3)
            .shuffles(2).seed(3).build())
        .withProgressBar(false).run();
    Path idsFile = dir.resolve("ids/result.json");
    Files.createDirectories(idsFile.getParent());
    ids.write(idsFile);
    Path out = dir.resolve("steer");
    String[] r = cli("temporal-steer", "--videos", manifest.toString(), "--ids", idsFile.toString(), "--layers", "3",
        "--noise-draws", "3", "--no-progress", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    RealVideoSteerResult res = RealVideoSteerResult.read(out.resolve("result.json"));
    io.github.vlmlens.examples.ResultSchemas.assertValid(out.resolve("result.json"), RealVideoSteerResult.class);
    String page = Files.readString(out.resolve("report.html"));
    assertTrue(page.contains("<h2>Settings</h2>") && page.contains("weights fingerprint"), "report of " + out);
    System.out.print(res.summary());
    assertEquals(N, res.sampleCount());
    assertEquals(N, res.labelled());
    assertEquals(List.of(3), res.layers());
    for (RealVideoSteerResult.Sample s : res.samples()) {
      assertEquals("before", s.earlier());
      assertEquals(s.margin() > 0, s.towardLater());
    }
    Estimate withIds = res.layer(3).withIds();
    Estimate noise = res.layer(3).withNoise();
    assertTrue(withIds.lower() > noise.upper(), withIds + " vs " + noise);
    // Answers that do not say which object comes first cannot be steered.
    Path firstLast = write(dir.resolve("data/bad/firstlast.json"), List.of(
        row("../clip1.mp4", videos.get(1).question().text(), List.of("first", "last"), "first")));
    Path o2 = dir.resolve("steer-bad");
    String[] e = cli("temporal-steer", "--videos", firstLast.toString(), "--ids", idsFile.toString(), "--out", o2.toString());
    assertEquals("2", e[0], e[2]);
    assertTrue(e[2].contains("firstlast.json entry 0 (video clip1.mp4): steering needs the answers before/after"), e[2]);
    assertFalse(Files.exists(o2));
  }

  private static Map<String, Object> row(String video, String question, List<String> candidates, String answer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("video", video);
    m.put("question", question);
    m.put("candidates", candidates);
    m.put("answer", answer);
    return m;
  }

  private static void assertRefused(Path manifestFile, String expected) {
    Path out = dir.resolve("refused-" + manifestFile.getFileName());
    String[] r = cli("temporal-swap", "--videos", manifestFile.toString(), "--no-progress", "--out", out.toString());
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains(expected), "expected '" + expected + "' in: " + r[2]);
    assertFalse(Files.exists(out), "nothing is written on error");
  }
}
