package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;

/**
 * What "all image tokens" ({@link SwapSet#ALL_IMAGE}) swaps on a model, which depends on how its
 * images reach the language model. A swap result records the definition it used.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum ImageTokenDefinition {
  /**
   * The image's token positions in the text stream: x's {@code lm.L.resid_post} at its image
   * tokens gets y's (LLaVA, Qwen2-VL, Gemma 3, InternVL, LLaVA-OneVision).
   */
  TEXT_STREAM_POSITIONS,
  /**
   * The cross-attention states of y's image, for models whose images never enter the text stream
   * (Llama-3.2-Vision): a swap at layer {@code L} gives every cross-attention block after
   * {@code L} y's states ({@code lm.C.cross_states} for {@code C > L}), the mirror of swapping
   * image tokens from layer {@code L} on; at {@code L = 0} it is patching {@code projector.out}.
   * Every sequence position is then text ({@link SwapSet#ALL_TEXT} and the control include the
   * {@code <|image|>} token), so all text and all image tokens together at {@code L} give y's run.
   */
  CROSS_ATTENTION_STATES;

  /** The definition for a model: cross-attention states when it has {@code lm.L.cross_states} points. */
  public static ImageTokenDefinition of(HookedVlm model) {
    for (HookPoint p : model.hookPoints()) {
      if (p.site() == HookPoint.Site.CROSS_STATES) {
        return CROSS_ATTENTION_STATES;
      }
    }
    return TEXT_STREAM_POSITIONS;
  }

  /** One sentence for reports: what the "all image tokens" set swapped. */
  public String sentence() {
    if (this == CROSS_ATTENTION_STATES) {
      return "All image tokens: this model's images enter through cross-attention blocks, not the text"
          + " stream, so the set is the cross-attention states of y's image: a swap at layer L gives every"
          + " cross-attention block after L y's states (lm.C.cross_states for C > L; at L = 0 that is"
          + " projector.out), and every sequence position, the <|image|> token included, counts as text.";
    }
    return "All image tokens: x's image-token positions of lm.L.resid_post get y's vectors.";
  }
}
