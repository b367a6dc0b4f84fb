package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import ai.djl.ndarray.NDArray;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every family's {@link Architecture} holds alike: the tokenizer (its token texts, answer
 * words and decoding), the parameters' manager, the compute dtype and the prompt format. A family
 * extends it and adds its network.
 */
public abstract class TokenizedArchitecture implements Architecture {
  /** The checkpoint's tokenizer, visual tokens expanded as the family's processor does. */
  protected final LlavaTokenizer tokenizer;
  /** The manager of the parameters. */
  protected final NDManager manager;
  /** The compute dtype. */
  protected final DataType dataType;
  /** The checkpoint's prompt format. */
  protected final PromptFormat format;

  protected TokenizedArchitecture(LlavaTokenizer tokenizer, NDManager manager, DataType dataType, PromptFormat format) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.format = Objects.requireNonNull(format, "format");
  }

  /**
   * The one way a family builds its architecture from a checkpoint: a parameter manager on the
   * options' device, the weights loaded into it and redrawn for the random-init baseline
   * ({@link RandomInit#applyIf}) before anything is derived from them, then the architecture. On
   * failure the tokenizer and the manager are freed, and an {@link IllegalArgumentException}
   * becomes a {@link CheckpointException} naming {@code configFile}.
   *
   * @param weights loads the checkpoint's tensors into the manager (after any checks that may refuse it)
   * @param build the architecture from the manager and the (possibly redrawn) tensors
   */
  protected static <A extends TokenizedArchitecture> A load(
      Path configFile, LlavaTokenizer tokenizer, LoadOptions options,
      Function<NDManager, Map<String, NDArray>> weights, BiFunction<NDManager, Map<String, NDArray>, A> build) {
    NDManager manager = null;
    try {
      manager = NDManager.newBaseManager(options.device(), "PyTorch");
      Map<String, NDArray> params = RandomInit.applyIf(weights.apply(manager), options);
      return build.apply(manager, params);
    } catch (IllegalArgumentException e) {
      free(tokenizer, manager);
      throw new CheckpointException(configFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      free(tokenizer, manager);
      throw e;
    }
  }

  private static void free(LlavaTokenizer tokenizer, NDManager manager) {
    tokenizer.close();
    if (manager != null) {
      manager.close();
    }
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public PromptFormat promptFormat() {
    return format;
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    return tokenizer.tokenize(input);
  }

  @Override
  public int answerTokenId(String word) {
    return tokenizer.singleTokenId(word);
  }

  @Override
  public String tokenText(int id) {
    return id < tokenizer.vocabSize() ? tokenizer.tokenText(id) : "<id " + id + ">";
  }

  @Override
  public String decodeText(int[] ids) {
    return tokenizer.decode(ids);
  }

  /** Frees the tokenizer and the parameters (a family frees its own network first, then calls this). */
  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
