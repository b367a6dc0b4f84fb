package io.github.vlmlens.examples.bench;

import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.HookedVlms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The vlmlens side of an interleaved benchmark against Hugging Face transformers
 * ({@code tools/hf-fixtures/bench_forward.py} drives it): loads any supported checkpoint, then
 * answers commands on standard input, one per line, with the wall time of each run in
 * milliseconds on one line of standard output:
 *
 * <ul>
 *   <li>{@code plain N}: N runs reading the last position's logits;
 *   <li>{@code hooked N}: the same with captures at 2 positions of every decoder block's
 *       {@code resid_post};
 *   <li>{@code pattern N}: the same with the attention patterns of 2 query positions captured in
 *       every decoder block ({@code lm.L.attn_pattern});
 *   <li>{@code generate N K}: N greedy generations of exactly K new tokens with the KV cache;
 *   <li>{@code quit}.
 * </ul>
 *
 * <p>Arguments: checkpoint directory, image file, prompt (with the checkpoint's placeholder as the
 * HF processor takes it, or vlmlens' {@code <image>}), intra-op threads.
 */
public final class ForwardServer {
  private ForwardServer() {}

  /** Runs the server. */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: ForwardServer CHECKPOINT IMAGE PROMPT THREADS");
      System.exit(2);
    }
    System.setProperty("ai.djl.pytorch.num_threads", args[3]);
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    try (HookedVlm vlm = HookedVlms.load(Path.of(args[0]))) {
      RgbImage image = RgbImage.read(Path.of(args[1]));
      String prompt = args[2];
      if (!prompt.contains(VlmInput.IMAGE_PLACEHOLDER)) {
        Tokenization t = vlm.tokenize(vlm.promptFormat().input(image, "x"));
        String nativeText = t.tokens().get(t.imagePositions(0).resolve(t.length())[0]);
        // The image token itself, or the begin-of-image token Gemma 3's processor expands.
        prompt =
            prompt.contains(nativeText)
                ? prompt.replace(nativeText, VlmInput.IMAGE_PLACEHOLDER)
                : prompt.replace("<start_of_image>", VlmInput.IMAGE_PLACEHOLDER);
      }
      VlmInput input = VlmInput.of(image, prompt);
      int length = vlm.tokenize(input).length();
      RunSpec plain = RunSpec.builder().logits(RunSpec.LogitsMode.LAST).build();
      RunSpec.Builder hb = RunSpec.builder().logits(RunSpec.LogitsMode.LAST);
      RunSpec.Builder pb = RunSpec.builder().logits(RunSpec.LogitsMode.LAST);
      Positions two = Positions.of(length / 2, length - 1);
      for (int l = 1; l <= vlm.numLayers(); l++) {
        hb.capture(HookPoint.lmResid(l), two);
        pb.capture(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN), two);
      }
      RunSpec hooked = hb.build();
      RunSpec pattern = pb.build();
      System.out.println("ready " + length + " tokens");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] cmd = line.trim().split("\\s+");
        if (cmd[0].equals("quit")) {
          break;
        }
        RunSpec spec = cmd[0].equals("hooked") ? hooked : cmd[0].equals("pattern") ? pattern : plain;
        int n = Integer.parseInt(cmd[1]);
        GenerateSpec gen =
            cmd[0].equals("generate")
                ? GenerateSpec.builder().maxNewTokens(Integer.parseInt(cmd[2])).useDefaultStops(false).build()
                : null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          if (gen != null) {
            vlm.generate(input, gen);
          } else {
            vlm.run(input, spec);
          }
          sb.append(i == 0 ? "" : " ").append((System.nanoTime() - t0) / 1e6);
        }
        System.out.println(sb);
        System.out.flush();
      }
    }
  }
}
