package io.github.vlmlens.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A vision-language model whose forward pass can be observed and changed at named
 * {@link HookPoint}s.
 *
 * <p>Runs are independent: nothing from one run leaks into the next. Implementations free the
 * native memory of each run before returning, so memory stays flat over many runs. A model holds
 * native resources: close it when done.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface HookedVlm extends AutoCloseable {

  /** A short name of the model, for reports. */
  String name();

  /** The number of decoder blocks {@code N}; residual hook points run {@code lm.0..lm.N}. */
  int numLayers();

  /** The language model's hidden size. */
  int hiddenSize();

  /** Every hook point this model has, in model order. */
  List<HookPoint> hookPoints();

  /** How this model wants a question and an image put into a prompt. */
  PromptFormat promptFormat();

  /**
   * Tokenizes an input exactly as {@link #run} would.
   *
   * @throws IllegalArgumentException when the input does not fit the model (image count, size)
   */
  Tokenization tokenize(VlmInput input);

  /**
   * The token id of a single-token answer word.
   *
   * @throws IllegalArgumentException naming the word and its tokens when it is not one token
   */
  int answerTokenId(String word);

  /**
   * Runs every request, batching where it can. Results come back in request order and equal
   * those of single runs up to floating-point reassociation.
   *
   * @throws IllegalArgumentException for an unknown hook point (listing the valid ones), a
   *     position outside the sequence, a vector of the wrong width or an answer word that is not
   *     one token
   */
  List<RunResult> runAll(List<RunRequest> requests);

  /** Runs one input. */
  default RunResult run(VlmInput input, RunSpec spec) {
    return runAll(List.of(RunRequest.of(input, spec))).get(0);
  }

  /** Runs many inputs under one spec. */
  default List<RunResult> runBatch(List<VlmInput> inputs, RunSpec spec) {
    List<RunRequest> r = new ArrayList<>(inputs.size());
    for (VlmInput in : inputs) {
      r.add(RunRequest.of(in, spec));
    }
    return runAll(r);
  }

  /** Runs one input under many specs. */
  default List<RunResult> runBatch(VlmInput input, List<RunSpec> specs) {
    List<RunRequest> r = new ArrayList<>(specs.size());
    for (RunSpec s : specs) {
      r.add(RunRequest.of(input, s));
    }
    return runAll(r);
  }

  /**
   * Continues the prompt of an input token by token (see {@link GenerateSpec}).
   *
   * @throws IllegalArgumentException for an invalid input or intervention
   * @throws UnsupportedOperationException when this model cannot generate
   */
  default Generation generate(VlmInput input, GenerateSpec spec) {
    throw new UnsupportedOperationException(name() + " does not support generation");
  }

  /**
   * The logit lens: logits of residual-stream vectors read through the model's final norm and
   * unembedding, one row per vector.
   *
   * @throws IllegalArgumentException when a vector's width is not the hidden size
   * @throws UnsupportedOperationException when this model cannot decode residuals
   */
  default float[][] unembed(float[][] residuals) {
    throw new UnsupportedOperationException(name() + " does not support the logit lens");
  }

  /** The text of a token id of this model's vocabulary. */
  default String tokenText(int id) {
    throw new UnsupportedOperationException(name() + " does not expose its vocabulary");
  }

  /**
   * What results record about this model: weights fingerprint, dtype, device and library
   * versions. The default knows only the name; backends override it.
   */
  default ModelInfo info() {
    return ModelInfo.unknown(name());
  }

  /** Frees the model's native resources. */
  @Override
  void close();
}
