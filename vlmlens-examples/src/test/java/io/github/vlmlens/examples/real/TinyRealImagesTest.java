package io.github.vlmlens.examples.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.examples.ResultSchemas;
import io.github.vlmlens.examples.cli.VlmlensCli;
import io.github.vlmlens.spatial.ids.ExtractedIds;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIdExtraction;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.real.DepthResult;
import io.github.vlmlens.spatial.real.IdMarginResult;
import io.github.vlmlens.spatial.real.IdReadout;
import io.github.vlmlens.spatial.real.RealAnalyses;
import io.github.vlmlens.spatial.real.RealConfig;
import io.github.vlmlens.spatial.real.RealDatasets;
import io.github.vlmlens.spatial.real.RealFormulas;
import io.github.vlmlens.spatial.real.RealReports;
import io.github.vlmlens.spatial.real.RealSample;
import io.github.vlmlens.spatial.real.RealSteeringResult;
import io.github.vlmlens.spatial.real.SensitivityResult;
import io.github.vlmlens.spatial.real.SyntheticCoco;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.AnswerForm;
import io.github.vlmlens.tiny.TinyVlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-image analyses end to end on the bundled tiny VLM and the self-made COCO-format data. */
class TinyRealImagesTest {
  private static final int LAYER = 2;

  @TempDir static Path dir;
  private static HookedVlm vlm;
  private static SpatialIds ids;
  private static SyntheticCoco.Written data;
  private static List<RealSample> samples;
  private static RealConfig config;

  @BeforeAll
  static void setUp() {
    vlm = TinyVlm.load();
    ExtractedIds ex = SpatialIdExtraction.of(vlm, IdConfig.builder().grid(GridSpec.of(4, 64, 0.75))
            .pairs(ObjectPair.of("box", "ball"))
            .question(QuestionAxis.HORIZONTAL).plainPrompts(false).shuffles(1).layers(LAYER).build())
        .withProgressBar(false).run();
    ids = ex.ids();
    ids.save(dir.resolve("ids.vlids"));
    data = SyntheticCoco.write(dir.resolve("coco"), 16, 3);
    samples = RealDatasets.cocoSpatial(data.rows(), data.instances(), data.images(), false).samples();
    config = RealConfig.defaults().withAnswerForm(AnswerForm.AS_IS).withLayers(List.of(LAYER))
        .withBlur(3, 3).withStatistics(0.05, 200).withSeed(5);
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  private static RealAnalyses analyses() {
    return RealAnalyses.of(vlm, config).withIds(ids).withProgressBar(false).withBatchSize(8);
  }

  /** Writes a result as the engine writes result.json and validates it against its schema. */
  private static void assertValidWhenWritten(Object result, Class<?> type) {
    Path f = dir.resolve(type.getSimpleName() + ".json");
    io.github.vlmlens.core.analysis.RunJournal.writeJson(f, result);
    ResultSchemas.assertValid(f, type);
  }

  @Test
  void idMarginFollowsItsFormulaAndResumesToTheSameResult() {
    Path out = dir.resolve("margin");
    IdMarginResult r = analyses().idMargin(samples, out);
    assertEquals(16, r.samples());
    System.out.println(RealReports.write(r, out));
    IdReadout s = r.readouts().get(0);
    IdReadout.Layer c = s.at(LAYER);
    boolean h = s.relation().axis() == io.github.vlmlens.spatial.real.Relation.Axis.HORIZONTAL;
    double margin = h ? RealFormulas.idMargin(c.extSubjectH(), c.extObjectH(), c.gtSubjectH(), c.gtObjectH())
        : RealFormulas.idMargin(c.extSubjectV(), c.extObjectV(), c.gtSubjectV(), c.gtObjectV());
    assertFalse(Double.isNaN(margin));
    assertTrue(Files.exists(out.resolve("result.json")) && Files.exists(out.resolve("report.html")));
    ResultSchemas.assertValid(out.resolve("result.json"), IdMarginResult.class);
    // A second run over the same directory reads the journal back: the same numbers.
    IdMarginResult again = analyses().idMargin(samples, out);
    assertEquals(r.readouts(), again.readouts());
    assertEquals(r.accuracy(), again.accuracy());
  }

  @Test
  void boxSensitivityIsReproducibleAndFollowsItsFormula() {
    List<RealSample> few = samples.subList(0, 8);
    SensitivityResult r = analyses().boxSensitivity(few, null);
    System.out.println(RealReports.write(r, null));
    assertValidWhenWritten(r, SensitivityResult.class);
    for (SensitivityResult.Sample s : r.records()) {
      double[] pr = s.pGtBlurRandom().stream().mapToDouble(Double::doubleValue).toArray();
      assertEquals(RealFormulas.boxSensitivity(s.pGt(), s.pGtBlurObject(), pr), s.sensitivity(), 1e-12);
      assertEquals(3, s.randomBoxes().size());
    }
    assertEquals(r.records(), analyses().boxSensitivity(few, null).records());
    assertFalse(r.reading().isEmpty());
  }

  @Test
  void steeringOnRealImagesIsJudgedByLogProbsAndGeneration() {
    RealSteeringResult r = analyses().steer(samples.subList(0, 6), null);
    System.out.println(RealReports.write(r, null));
    assertValidWhenWritten(r, RealSteeringResult.class);
    assertEquals("", r.generationNote());
    RealSteeringResult.Layer l = r.layers().get(0);
    assertEquals(LAYER, l.layer());
    assertTrue(l.swappedIds().mean() >= 0 && l.swappedIds().mean() <= 1);
    assertFalse(Double.isNaN(l.generatedSwappedIds()));
    assertFalse(r.records().get(0).generated().isEmpty());
  }

  @Test
  void depthReadsTheVerticalIdsAndSaysWhyAccuracyIsMissing() {
    List<RealSample> depth = RealDatasets.manifest(data.depth(), false).samples();
    DepthResult r = analyses().depth(depth, null);
    System.out.println(RealReports.write(r, null));
    assertValidWhenWritten(r, DepthResult.class);
    assertEquals(16, r.samples());
    // The tiny VLM has no words "front" and "behind".
    assertTrue(Double.isNaN(r.accuracy()) && r.accuracyNote().startsWith("accuracy not measured"), r.accuracyNote());
    assertFalse(r.diagnosis().isEmpty());
  }

  @Test
  void mirrorSwapOnPhotographs() {
    SwapConfig sc = SwapConfig.builder().name("mirror swap (real images)").swapSets(SwapSet.values())
        .layers(0, 1, 2).bootstrapResamples(200).build();
    SwapResult r = analyses().mirrorSwap(samples.subList(0, 8), sc, null);
    assertEquals(8, r.samples().size());
  }

  @Test
  void cliWritesReportAndJson() {
    Path out = dir.resolve("cli-margin");
    int rc = VlmlensCli.commandLine().execute("id-margin", "--manifest", data.manifest().toString(),
        "--ids", dir.resolve("ids.vlids").toString(), "--limit", "6", "--layers", "2", "--no-progress",
        "--out", out.toString());
    assertEquals(0, rc);
    assertTrue(Files.exists(out.resolve("result.json")) && Files.exists(out.resolve("report.html")));
    Path bad = dir.resolve("cli-bad");
    rc = VlmlensCli.commandLine().execute("bbox-sensitivity", "--manifest", dir.resolve("missing.json").toString(),
        "--out", bad.toString());
    assertTrue(rc != 0);
  }
}
