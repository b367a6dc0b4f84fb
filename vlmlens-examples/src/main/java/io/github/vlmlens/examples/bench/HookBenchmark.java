package io.github.vlmlens.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointFiles;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.hooks.LlavaModel;
import io.github.vlmlens.hooks.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Measures the cost of hooks on a random LLaVA checkpoint written to a temp dir (the tiny test
 * configuration by default: image 32 px, patch 8, vision 32 x 2 layers, decoder 64 x 3 layers, 4
 * heads, 2 key-value heads, 61 tokens; {@code --small} for a decoder 512 x 8 layers, vision 128 x 4
 * layers at 64 px).
 *
 * <p>Prints, as medians over interleaved runs after a 5 s warm-up:
 *
 * <ol>
 *   <li>the time of a forward pass that captures {@code lm.L.resid_post} at one position for every
 *       {@code L} (copied to the host) over a plain forward pass, for {@link LlavaModel#forward}
 *       and for {@link HookedLlava#run} (plain there = the same readouts, no capture);
 *   <li>a forward pass with a no-op tap over the plain one ({@link ForwardTap#NONE});
 *   <li>the process's resident memory ({@code VmRSS}) after 10, 1,000 and 10,000 hooked runs (run
 *       first, in a fresh process; the first thousand runs include JIT and allocator warm-up).
 * </ol>
 *
 * <p>Usage: {@code HookBenchmark [--small] [--iterations N]} (default 2,000). PyTorch runs with
 * one intra-op thread unless {@code -Dai.djl.pytorch.num_threads} says otherwise: on a small,
 * shared machine that keeps the timings steady.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HookBenchmark {
  private HookBenchmark() {}

  static {
    // Timings on shared machines are steadier without intra-op thread oversubscription.
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  private static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>", "<image>");
  private static final List<String> WORDS =
      List.of(
          "USER", "ASSISTANT", ":", "?", ".", ",", "Is", "is", "the", "a", "to", "of", "or", "and",
          "left", "right", "above", "below", "Left", "Right", "Yes", "No", "dog", "cat", "car",
          "bus", "red", "blue", "green", "color", "What", "Does", "appear", "before", "after",
          "scene", "indoors", "outdoors", "backpack", "cup", "tree", "house", "bird", "horse",
          "sheep", "cow", "boat", "person", "chair", "table", "ball", "box", "in", "on", "front",
          "behind");

  /** Runs the benchmark. */
  public static void main(String[] args) throws IOException {
    boolean small = false;
    int iterations = 2000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--small":
          small = true;
          break;
        case "--iterations":
          iterations = Integer.parseInt(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    long start = System.nanoTime();
    Path dir = Files.createTempDirectory("vlmlens-bench");
    LlavaConfig config = small ? smallConfig() : tinyConfig();
    int imageSize = config.vision().imageSize();
    try (LlavaModel m = LlavaModel.initRandom(config, 1, LoadOptions.defaults())) {
      m.save(dir);
    }
    CheckpointFiles.writeWordLevelTokenizer(dir.resolve("tokenizer.json"), WORDS, SPECIALS);
    CheckpointFiles.writePreprocessorConfig(
        dir.resolve("preprocessor_config.json"),
        imageSize,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f});

    try (HookedLlava vlm = HookedLlava.load(dir)) {
      LlavaModel model = vlm.model();
      int n = model.numLayers();
      VlmInput input =
          vlm.promptFormat().input(image(imageSize, 3), "Is the dog to the left or right of the cat?");
      int[] ids = vlm.tokenize(input).ids();
      int last = ids.length - 1;
      System.out.printf(
          Locale.ROOT,
          "model: %s config, decoder %d x %d, vision %d x %d, %d tokens per input; %d cores,"
              + " ai.djl.pytorch.num_threads=%s%n",
          small ? "small" : "tiny", config.text().hiddenSize(), n, config.vision().hiddenSize(),
          config.vision().numHiddenLayers(), ids.length, Runtime.getRuntime().availableProcessors(),
          System.getProperty("ai.djl.pytorch.num_threads", "(default)"));

      // -------- model level: LlavaModel.forward with NONE, a no-op tap, a capturing tap.
      float[] pixelValues = new float[3 * imageSize * imageSize];
      Random r = new Random(2);
      for (int i = 0; i < pixelValues.length; i++) {
        pixelValues[i] = (float) r.nextGaussian();
      }
      long[] idsLong = Arrays.stream(ids).asLongStream().toArray();
      ForwardTap noOp = (p, a) -> a;
      Runnable plain = () -> forward(model, idsLong, pixelValues, imageSize, ForwardTap.NONE, -1);
      Runnable noOpTap = () -> forward(model, idsLong, pixelValues, imageSize, noOp, -1);
      Runnable capturing = () -> forward(model, idsLong, pixelValues, imageSize, null, last);

      // -------- HookedVlm level: readouts only vs readouts + captures of every lm.L at one position.
      RunSpec readouts = RunSpec.builder().readWords("left", "right").build();
      RunSpec.Builder cb = readouts.toBuilder();
      for (int l = 0; l <= n; l++) {
        cb.capture(HookPoint.lmResid(l), Positions.of(last));
      }
      RunSpec captures = cb.build();
      Runnable runPlain = () -> vlm.run(input, readouts);
      Runnable runCaptures = () -> vlm.run(input, captures);

      // -------- (c) resident memory over many hooked runs, first, while the process is fresh.
      // The Java heap is measured beside the RSS, after a GC, so that its growth is not mistaken
      // for native memory.
      for (int i = 0; i < 10; i++) {
        vlm.run(input, captures);
      }
      long[] at10 = memory();
      for (int i = 10; i < 1000; i++) {
        vlm.run(input, captures);
      }
      long[] at1000 = memory();
      for (int i = 1000; i < 10000; i++) {
        vlm.run(input, captures);
      }
      long[] at10000 = memory();
      String memoryLine =
          String.format(
              Locale.ROOT,
              "(c) VmRSS after 10 runs %,d kB, after 1,000 runs %,d kB, after 10,000 runs %,d kB"
                  + " (Java heap committed %,d / %,d / %,d kB)%n"
                  + "    runs 10..1,000: %+.2f kB per run; runs 1,000..10,000: %+.3f kB per run"
                  + " (RSS minus heap: %+.2f and %+.3f)%n",
              at10[0], at1000[0], at10000[0], at10[1], at1000[1], at10000[1],
              (at1000[0] - at10[0]) / 990.0, (at10000[0] - at1000[0]) / 9000.0,
              ((at1000[0] - at1000[1]) - (at10[0] - at10[1])) / 990.0,
              ((at10000[0] - at10000[1]) - (at1000[0] - at1000[1])) / 9000.0);

      List<Runnable> all = List.of(plain, noOpTap, capturing, runPlain, runCaptures);
      long warmStart = System.nanoTime();
      while (System.nanoTime() - warmStart < 5_000_000_000L) {
        for (Runnable x : all) {
          x.run();
        }
      }
      System.out.printf(Locale.ROOT, "[%.1f s] warmed up%n", (System.nanoTime() - start) / 1e9);
      // Each iteration times one run of every variant, in a rotating order, so that load from
      // other processes hits all variants alike; medians discard the disturbed runs.
      double[][] t = new double[all.size()][iterations];
      for (int it = 0; it < iterations; it++) {
        for (int k = 0; k < all.size(); k++) {
          int v = (k + it) % all.size();
          long t0 = System.nanoTime();
          all.get(v).run();
          t[v][it] = (System.nanoTime() - t0) / 1e6;
        }
      }
      System.out.printf(Locale.ROOT, "%d iterations, median time per run:%n", iterations);
      String[] names = {
        "LlavaModel.forward, ForwardTap.NONE",
        "LlavaModel.forward, no-op tap",
        "LlavaModel.forward, tap copying " + (n + 1) + " x lm.L rows at once",
        "HookedLlava.run, 2 answer words",
        "HookedLlava.run, 2 answer words + " + (n + 1) + " captures"
      };
      for (int v = 0; v < all.size(); v++) {
        System.out.printf(Locale.ROOT, "  %-55s %8.3f ms%n", names[v], median(t[v]));
      }
      System.out.printf(Locale.ROOT, "(a) capture / plain, LlavaModel.forward: %.4f (median of paired ratios %.4f)%n",
          median(t[2]) / median(t[0]), medianRatio(t[2], t[0]));
      System.out.printf(Locale.ROOT, "(a) capture / plain, HookedLlava.run:    %.4f (median of paired ratios %.4f)%n",
          median(t[4]) / median(t[3]), medianRatio(t[4], t[3]));
      System.out.printf(Locale.ROOT, "(b) no-op tap / plain:                   %.4f (median of paired ratios %.4f)%n",
          median(t[1]) / median(t[0]), medianRatio(t[1], t[0]));
      System.out.print(memoryLine);
    } finally {
      for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json"}) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.deleteIfExists(dir);
    }
  }

  /**
   * One forward pass in its own sub-manager; with {@code capturePosition >= 0} (and a null tap),
   * captures {@code lm.L.resid_post} at that position for every L, copying each to the host as
   * the pass goes.
   */
  private static void forward(
      LlavaModel model, long[] ids, float[] pixels, int size, ForwardTap tap, int capturePosition) {
    try (NDManager run = model.manager().newSubManager()) {
      NDArray x = run.create(ids, new Shape(1, ids.length));
      NDArray px = run.create(pixels, new Shape(1, 3, size, size));
      List<float[]> kept = new ArrayList<>();
      ForwardTap t = tap;
      if (tap == null) {
        t =
            (p, a) -> {
              if (p.isLmResid()) {
                kept.add(a.get(new NDIndex(0, capturePosition)).toType(DataType.FLOAT32, false).toFloatArray());
              }
              return a;
            };
      }
      NDArray logits = model.forward(x, px, t);
      logits.get(":, -1, :").toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double medianRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return median(r);
  }

  /** {VmRSS, committed Java heap} in kB, after a GC. */
  private static long[] memory() throws IOException {
    System.gc();
    try {
      Thread.sleep(200); // let cleaners free the direct buffers the GC found
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {rss, Runtime.getRuntime().totalMemory() / 1024};
  }

  private static RgbImage image(int size, long seed) {
    Random r = new Random(seed);
    int[] px = new int[size * size];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    return RgbImage.of(size, size, px);
  }

  private static LlavaConfig tinyConfig() {
    return config(64, 128, 3, 32, 64, 2, 2, 32, 8);
  }

  private static LlavaConfig smallConfig() {
    return config(512, 1536, 8, 128, 512, 4, 4, 64, 8);
  }

  private static LlavaConfig config(
      int hidden, int inter, int layers, int vHidden, int vInter, int vLayers, int vHeads, int image, int patch) {
    return LlavaConfig.builder()
        .text(
            LlavaConfig.Text.builder()
                .hiddenSize(hidden)
                .intermediateSize(inter)
                .numHiddenLayers(layers)
                .numAttentionHeads(4)
                .numKeyValueHeads(2)
                .rmsNormEps(1e-5)
                .vocabSize(SPECIALS.size() + WORDS.size())
                .maxPositionEmbeddings(512)
                .bosTokenId(1)
                .eosTokenId(2)
                .padTokenId(0)
                .build())
        .vision(
            LlavaConfig.Vision.builder()
                .hiddenSize(vHidden)
                .intermediateSize(vInter)
                .numHiddenLayers(vLayers)
                .numAttentionHeads(vHeads)
                .imageSize(image)
                .patchSize(patch)
                .build())
        .imageTokenIndex(4)
        .build();
  }
}
