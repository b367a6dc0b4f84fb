package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import java.util.Objects;

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
