package io.github.vlmlens.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of a LLaVA model ({@code LlavaForConditionalGeneration}): a Llama language
 * model ({@link Text}), a CLIP vision tower ({@link Vision}) and the projector between them, read
 * from and written to a Hugging Face {@code config.json}.
 *
 * <p>Missing keys take Hugging Face's defaults exactly: {@code LlamaConfig}'s for the text config,
 * {@code CLIPVisionConfig}'s (768 wide, 12 layers, 12 heads, 3072 MLP, image 224, patch 32) for a
 * given vision config, a CLIP-L/14-336 tower (1024 wide, 24 layers, 16 heads, 4096 MLP, image 336,
 * patch 14) when {@code vision_config} is absent, and {@code LlavaConfig}'s at the top level
 * (image token 32000, GELU projector, CLIP feature layer -2, strategy "default"). Features the
 * backend does not implement ({@code rope_scaling}, activations other than the supported ones, other
 * model types) are rejected with an error naming the key, never silently ignored.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LlavaConfig {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private final Text text;
  private final Vision vision;
  private final int imageTokenIndex;
  private final String projectorHiddenAct;
  private final ImmutableList<Integer> visionFeatureLayers;
  private final String visionFeatureSelectStrategy;
  private final boolean multimodalProjectorBias;
  private final boolean tieWordEmbeddings;
  private final int imageSeqLength;
  private final ImmutableList<String> defaultedKeys;

  private LlavaConfig(Builder b) {
    this.defaultedKeys = ImmutableList.copyOf(b.defaultedKeys);
    this.text = Objects.requireNonNull(b.text, "text");
    this.vision = Objects.requireNonNull(b.vision, "vision");
    this.imageTokenIndex = b.imageTokenIndex;
    this.projectorHiddenAct = Objects.requireNonNull(b.projectorHiddenAct, "projectorHiddenAct");
    this.visionFeatureLayers = ImmutableList.copyOf(b.visionFeatureLayers);
    this.visionFeatureSelectStrategy =
        Objects.requireNonNull(b.visionFeatureSelectStrategy, "visionFeatureSelectStrategy");
    this.multimodalProjectorBias = b.multimodalProjectorBias;
    this.tieWordEmbeddings = b.tieWordEmbeddings || text.tieWordEmbeddings();
    if (imageTokenIndex < 0) {
      throw new IllegalArgumentException(
          "image_token_index must not be negative, got " + imageTokenIndex);
    }
    if (!projectorHiddenAct.equals("gelu")) {
      throw new IllegalArgumentException(
          "projector_hidden_act '" + projectorHiddenAct + "' is not supported (only \"gelu\")");
    }
    if (!visionFeatureSelectStrategy.equals("default") && !visionFeatureSelectStrategy.equals("full")) {
      throw new IllegalArgumentException(
          "vision_feature_select_strategy must be \"default\" or \"full\", got '"
              + visionFeatureSelectStrategy + "'");
    }
    if (visionFeatureLayers.isEmpty()) {
      throw new IllegalArgumentException("vision_feature_layer must name at least one layer");
    }
    int states = vision.numHiddenLayers() + 1;
    for (int layer : visionFeatureLayers) {
      if (layer < -states || layer >= states) {
        throw new IllegalArgumentException(
            "vision_feature_layer " + layer + " is outside the " + states
                + " CLIP hidden states (valid: " + -states + ".." + (states - 1) + ")");
      }
    }
    this.imageSeqLength = b.imageSeqLength == null ? numImageTokens() : b.imageSeqLength;
    if (imageSeqLength <= 0) {
      throw new IllegalArgumentException("image_seq_length must be positive, got " + imageSeqLength);
    }
  }

  /**
   * Reads a {@code config.json}.
   *
   * @throws CheckpointException naming the file (and the key) when it is missing, not JSON, or
   *     holds a value the backend does not support
   */
  public static LlavaConfig read(Path configJson) {
    Objects.requireNonNull(configJson, "configJson");
    if (!Files.isRegularFile(configJson)) {
      throw new CheckpointException("config file " + configJson + " does not exist");
    }
    String json;
    try {
      json = Files.readString(configJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException("cannot read config file " + configJson + ": " + e, e);
    }
    return parse(json, configJson.toString());
  }

  /**
   * Parses the text of a {@code config.json}.
   *
   * @throws CheckpointException naming the key when a value is invalid or unsupported
   */
  public static LlavaConfig fromJson(String json) {
    return parse(Objects.requireNonNull(json, "json"), "config JSON");
  }

  /** A builder starting from Hugging Face's {@code LlavaConfig()} defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.text = text;
    b.vision = vision;
    b.imageTokenIndex = imageTokenIndex;
    b.projectorHiddenAct = projectorHiddenAct;
    b.visionFeatureLayers = visionFeatureLayers;
    b.visionFeatureSelectStrategy = visionFeatureSelectStrategy;
    b.multimodalProjectorBias = multimodalProjectorBias;
    b.tieWordEmbeddings = tieWordEmbeddings;
    b.imageSeqLength = imageSeqLength;
    return b;
  }

  /** The language model's configuration. */
  public Text text() {
    return text;
  }

  /** The vision tower's configuration. */
  public Vision vision() {
    return vision;
  }

  /** The token id whose positions receive image features ({@code image_token_index}). */
  public int imageTokenIndex() {
    return imageTokenIndex;
  }

  /** The projector's activation ({@code projector_hidden_act}); only {@code "gelu"} (erf form). */
  public String projectorHiddenAct() {
    return projectorHiddenAct;
  }

  /**
   * The CLIP hidden states fed to the projector, as indexes into Hugging Face's
   * {@code hidden_states} (0 = embeddings after {@code pre_layrnorm}, {@code k} = output of
   * encoder layer {@code k-1}; negative indexes count from the end, so -2 is the output of the
   * second-to-last encoder layer). Several layers are concatenated on the feature dimension.
   */
  public List<Integer> visionFeatureLayers() {
    return visionFeatureLayers;
  }

  /** {@code "default"} (drop the CLS feature) or {@code "full"} (keep it). */
  public String visionFeatureSelectStrategy() {
    return visionFeatureSelectStrategy;
  }

  /** Whether the projector's linear layers have biases. */
  public boolean multimodalProjectorBias() {
    return multimodalProjectorBias;
  }

  /** Whether {@code lm_head} shares the embedding matrix (true when either level says so). */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  /** The {@code image_seq_length} key (informational; {@link #numImageTokens()} is what counts). */
  public int imageSeqLength() {
    return imageSeqLength;
  }
  /**
   * The integer keys {@code config.json} did not hold, which took Hugging Face's defaults, as
   * {@code text_config.hidden_size=4096}; empty for a config built in code. A load whose tensors
   * do not fit names them, so a missing key is never silently read as LLaVA-7B's size.
   */
  public List<String> defaultedKeys() {
    return defaultedKeys;
  }


  /**
   * The number of image tokens one image becomes: {@code (imageSize / patchSize)^2}, plus one for
   * the {@code "full"} strategy.
   */
  public int numImageTokens() {
    int g = vision.imageSize() / vision.patchSize();
    return g * g + (visionFeatureSelectStrategy.equals("full") ? 1 : 0);
  }

  /**
   * This configuration as a Hugging Face {@code config.json} for
   * {@code LlavaForConditionalGeneration}, with every value written explicitly.
   */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.putArray("architectures").add("LlavaForConditionalGeneration");
    root.put("model_type", "llava");
    root.put("image_token_index", imageTokenIndex);
    root.put("projector_hidden_act", projectorHiddenAct);
    if (visionFeatureLayers.size() == 1) {
      root.put("vision_feature_layer", visionFeatureLayers.get(0));
    } else {
      ArrayNode layers = root.putArray("vision_feature_layer");
      visionFeatureLayers.forEach(layers::add);
    }
    root.put("vision_feature_select_strategy", visionFeatureSelectStrategy);
    root.put("multimodal_projector_bias", multimodalProjectorBias);
    root.put("tie_word_embeddings", tieWordEmbeddings);
    root.put("image_seq_length", imageSeqLength);
    root.set("text_config", text.toJsonNode());
    root.set("vision_config", vision.toJsonNode());
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@link #toJson()} to a file. */
  public void write(Path configJson) throws IOException {
    Files.writeString(configJson, toJson(), StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LlavaConfig)) {
      return false;
    }
    LlavaConfig c = (LlavaConfig) o;
    return text.equals(c.text)
        && vision.equals(c.vision)
        && imageTokenIndex == c.imageTokenIndex
        && projectorHiddenAct.equals(c.projectorHiddenAct)
        && visionFeatureLayers.equals(c.visionFeatureLayers)
        && visionFeatureSelectStrategy.equals(c.visionFeatureSelectStrategy)
        && multimodalProjectorBias == c.multimodalProjectorBias
        && tieWordEmbeddings == c.tieWordEmbeddings
        && imageSeqLength == c.imageSeqLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        text,
        vision,
        imageTokenIndex,
        projectorHiddenAct,
        visionFeatureLayers,
        visionFeatureSelectStrategy,
        multimodalProjectorBias,
        tieWordEmbeddings,
        imageSeqLength);
  }

  @Override
  public String toString() {
    return "LlavaConfig[" + text + ", " + vision + ", image token " + imageTokenIndex
        + ", feature layers " + visionFeatureLayers + " (" + visionFeatureSelectStrategy + ")]";
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  private static LlavaConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          source + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    Reader r = new Reader(source);
    String modelType = r.string(root, "", "model_type", null);
    if (modelType != null && !modelType.equals("llava")) {
      throw r.error("model_type", "'" + modelType + "' is not supported (only \"llava\")");
    }
    Builder b = builder();
    JsonNode t = root.get("text_config");
    if (t != null && !t.isNull()) {
      r.requireObject(t, "text_config");
      b.text(parseText(t, r));
    } else {
      r.defaulted.add("text_config (all of LlamaConfig's defaults)");
    }
    JsonNode v = root.get("vision_config");
    if (v != null && !v.isNull()) {
      r.requireObject(v, "vision_config");
      b.vision(parseVision(v, r));
    } else {
      r.defaulted.add("vision_config (all of CLIP-L/14-336's defaults)");
    }
    if (root.has("image_token_index")) {
      b.imageTokenIndex(r.integer(root, "", "image_token_index", 32000));
    } else {
      b.imageTokenIndex(r.integer(root, "", "image_token_id", 32000));
    }
    b.projectorHiddenAct(r.string(root, "", "projector_hidden_act", "gelu"));
    JsonNode layers = root.get("vision_feature_layer");
    if (layers != null && layers.isArray()) {
      ImmutableList.Builder<Integer> list = ImmutableList.builder();
      for (int i = 0; i < layers.size(); i++) {
        JsonNode n = layers.get(i);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
          throw r.error("vision_feature_layer[" + i + "]", "expected an integer, found " + n);
        }
        list.add(n.intValue());
      }
      b.visionFeatureLayers(list.build());
    } else {
      b.visionFeatureLayer(r.integer(root, "", "vision_feature_layer", -2));
    }
    b.visionFeatureSelectStrategy(r.string(root, "", "vision_feature_select_strategy", "default"));
    b.multimodalProjectorBias(r.bool(root, "", "multimodal_projector_bias", true));
    b.tieWordEmbeddings(r.bool(root, "", "tie_word_embeddings", false));
    b.imageSeqLength(r.integer(root, "", "image_seq_length", 576));
    b.defaultedKeys = List.copyOf(r.defaulted);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(source + ": " + e.getMessage(), e);
    }
  }

  private static Text parseText(JsonNode t, Reader r) {
    String p = "text_config.";
    String modelType = r.string(t, p, "model_type", null);
    if (modelType != null && !modelType.equals("llama")) {
      throw r.error(p + "model_type", "'" + modelType + "' is not supported (only \"llama\")");
    }
    JsonNode scaling = t.get("rope_scaling");
    if (scaling != null && !scaling.isNull()) {
      throw r.error(
          p + "rope_scaling", "RoPE scaling is not supported (found " + scaling + "); only plain RoPE is");
    }
    Double theta = null;
    JsonNode params = t.get("rope_parameters");
    if (params != null && !params.isNull()) {
      r.requireObject(params, p + "rope_parameters");
      String type = r.string(params, p + "rope_parameters.", "rope_type", null);
      if (type == null) {
        type = r.string(params, p + "rope_parameters.", "type", "default");
      }
      if (!type.equals("default")) {
        throw r.error(
            p + "rope_parameters.rope_type",
            "'" + type + "' RoPE is not supported (only \"default\"): found " + params);
      }
      if (params.has("rope_theta")) {
        theta = r.number(params, p + "rope_parameters.", "rope_theta", 10000.0);
      }
    }
    if (theta == null) {
      theta = r.number(t, p, "rope_theta", 10000.0);
    }
    Text.Builder b =
        Text.builder()
            .hiddenSize(r.integer(t, p, "hidden_size", 4096))
            .intermediateSize(r.integer(t, p, "intermediate_size", 11008))
            .numHiddenLayers(r.integer(t, p, "num_hidden_layers", 32))
            .numAttentionHeads(r.integer(t, p, "num_attention_heads", 32))
            .numKeyValueHeads(r.nullableInteger(t, p, "num_key_value_heads", null))
            .headDim(r.nullableInteger(t, p, "head_dim", null))
            .rmsNormEps(r.number(t, p, "rms_norm_eps", 1e-6))
            .ropeTheta(theta)
            .vocabSize(r.integer(t, p, "vocab_size", 32000))
            .maxPositionEmbeddings(r.integer(t, p, "max_position_embeddings", 2048))
            .hiddenAct(r.string(t, p, "hidden_act", "silu"))
            .attentionBias(r.bool(t, p, "attention_bias", false))
            .mlpBias(r.bool(t, p, "mlp_bias", false))
            .tieWordEmbeddings(r.bool(t, p, "tie_word_embeddings", false))
            .bosTokenId(r.tokenId(t, p, "bos_token_id", 1))
            .eosTokenId(r.tokenId(t, p, "eos_token_id", 2))
            .padTokenId(r.tokenId(t, p, "pad_token_id", null));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(r.source + ": text_config: " + e.getMessage(), e);
    }
  }

  private static Vision parseVision(JsonNode v, Reader r) {
    String p = "vision_config.";
    String modelType = r.string(v, p, "model_type", null);
    if (modelType != null && !modelType.equals("clip_vision_model")) {
      throw r.error(
          p + "model_type", "'" + modelType + "' is not supported (only \"clip_vision_model\")");
    }
    Vision.Builder b =
        Vision.builder()
            .hiddenSize(r.integer(v, p, "hidden_size", 768))
            .intermediateSize(r.integer(v, p, "intermediate_size", 3072))
            .numHiddenLayers(r.integer(v, p, "num_hidden_layers", 12))
            .numAttentionHeads(r.integer(v, p, "num_attention_heads", 12))
            .imageSize(r.integer(v, p, "image_size", 224))
            .patchSize(r.integer(v, p, "patch_size", 32))
            .numChannels(r.integer(v, p, "num_channels", 3))
            .layerNormEps(r.number(v, p, "layer_norm_eps", 1e-5))
            .hiddenAct(r.string(v, p, "hidden_act", "quick_gelu"));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(r.source + ": vision_config: " + e.getMessage(), e);
    }
  }

  /** Typed access to JSON keys with errors naming the source and the key. */
  private static final class Reader {
    final String source;
    /** Integer keys absent from the file, as {@code path=default}. */
    final List<String> defaulted = new ArrayList<>();

    Reader(String source) {
      this.source = source;
    }

    CheckpointException error(String key, String what) {
      return new CheckpointException(source + ": key '" + key + "': " + what);
    }

    void requireObject(JsonNode n, String key) {
      if (!n.isObject()) {
        throw error(key, "expected a JSON object, found " + n);
      }
    }

    int integer(JsonNode obj, String prefix, String key, int dflt) {
      JsonNode n = obj.get(key);
      if (n == null) {
        defaulted.add(prefix + key + "=" + dflt);
        return dflt;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw error(prefix + key, "expected an integer, found " + n);
      }
      return n.intValue();
    }

    Integer nullableInteger(JsonNode obj, String prefix, String key, Integer dflt) {
      JsonNode n = obj.get(key);
      if (n == null) {
        return dflt;
      }
      if (n.isNull()) {
        return null;
      }
      return integer(obj, prefix, key, 0);
    }

    /** A token id: an integer, null, or a list of integers (the first is taken). */
    Integer tokenId(JsonNode obj, String prefix, String key, Integer dflt) {
      JsonNode n = obj.get(key);
      if (n != null && n.isArray()) {
        if (n.isEmpty()) {
          return null;
        }
        JsonNode first = n.get(0);
        if (!first.isIntegralNumber() || !first.canConvertToInt()) {
          throw error(prefix + key, "expected integer token ids, found " + n);
        }
        return first.intValue();
      }
      return nullableInteger(obj, prefix, key, dflt);
    }

    double number(JsonNode obj, String prefix, String key, double dflt) {
      JsonNode n = obj.get(key);
      if (n == null) {
        return dflt;
      }
      if (!n.isNumber()) {
        throw error(prefix + key, "expected a number, found " + n);
      }
      return n.doubleValue();
    }

    boolean bool(JsonNode obj, String prefix, String key, boolean dflt) {
      JsonNode n = obj.get(key);
      if (n == null) {
        return dflt;
      }
      if (!n.isBoolean()) {
        throw error(prefix + key, "expected true or false, found " + n);
      }
      return n.booleanValue();
    }

    String string(JsonNode obj, String prefix, String key, String dflt) {
      JsonNode n = obj.get(key);
      if (n == null) {
        return dflt;
      }
      if (!n.isTextual()) {
        throw error(prefix + key, "expected a string, found " + n);
      }
      return n.textValue();
    }
  }

  private static void putNullable(ObjectNode o, String key, Integer value) {
    if (value == null) {
      o.putNull(key);
    } else {
      o.put(key, value);
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The builder of a {@link LlavaConfig}. */
  public static final class Builder {
    private Text text = Text.builder().build();
    private Vision vision = Vision.CLIP_L_336;
    private int imageTokenIndex = 32000;
    private String projectorHiddenAct = "gelu";
    private List<Integer> visionFeatureLayers = List.of(-2);
    private String visionFeatureSelectStrategy = "default";
    private boolean multimodalProjectorBias = true;
    private boolean tieWordEmbeddings = false;
    private Integer imageSeqLength;
    private List<String> defaultedKeys = List.of();

    private Builder() {}

    /** The language model (default: {@code LlamaConfig()}'s defaults). */
    public Builder text(Text text) {
      this.text = Objects.requireNonNull(text, "text");
      return this;
    }

    /** The vision tower (default: CLIP-L/14 at 336 px, as {@code LlavaConfig()}). */
    public Builder vision(Vision vision) {
      this.vision = Objects.requireNonNull(vision, "vision");
      return this;
    }

    /** The image token id (default 32000). */
    public Builder imageTokenIndex(int imageTokenIndex) {
      this.imageTokenIndex = imageTokenIndex;
      return this;
    }

    /** The projector activation (default and only supported value: {@code "gelu"}). */
    public Builder projectorHiddenAct(String projectorHiddenAct) {
      this.projectorHiddenAct = Objects.requireNonNull(projectorHiddenAct, "projectorHiddenAct");
      return this;
    }

    /** One CLIP hidden-state index fed to the projector (default -2). */
    public Builder visionFeatureLayer(int layer) {
      this.visionFeatureLayers = List.of(layer);
      return this;
    }

    /** Several CLIP hidden-state indexes, concatenated on the feature dimension. */
    public Builder visionFeatureLayers(List<Integer> layers) {
      this.visionFeatureLayers = ImmutableList.copyOf(layers);
      return this;
    }

    /** {@code "default"} (drop CLS, the default) or {@code "full"}. */
    public Builder visionFeatureSelectStrategy(String strategy) {
      this.visionFeatureSelectStrategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** Whether the projector's linear layers have biases (default true). */
    public Builder multimodalProjectorBias(boolean bias) {
      this.multimodalProjectorBias = bias;
      return this;
    }

    /** Whether {@code lm_head} is tied to the embeddings (default false; the text config's true wins). */
    public Builder tieWordEmbeddings(boolean tie) {
      this.tieWordEmbeddings = tie;
      return this;
    }

    /** The {@code image_seq_length} key; when never set, {@link #numImageTokens()} is used. */
    public Builder imageSeqLength(int imageSeqLength) {
      this.imageSeqLength = imageSeqLength;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the key when a value is invalid or unsupported
     */
    public LlavaConfig build() {
      return new LlavaConfig(this);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The Llama language model's configuration ({@code text_config}). Builder defaults are
   * {@code LlamaConfig}'s: hidden 4096, MLP 11008, 32 layers, 32 heads, RMSNorm eps 1e-6, RoPE theta
   * 10000, vocabulary 32000, 2048 positions, SiLU, no biases, BOS 1, EOS 2, no pad token.
   */
  public static final class Text {
    private final int hiddenSize;
    private final int intermediateSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int numKeyValueHeads;
    private final int headDim;
    private final double rmsNormEps;
    private final double ropeTheta;
    private final int vocabSize;
    private final int maxPositionEmbeddings;
    private final String hiddenAct;
    private final boolean attentionBias;
    private final boolean mlpBias;
    private final boolean tieWordEmbeddings;
    private final Integer bosTokenId;
    private final Integer eosTokenId;
    private final Integer padTokenId;

    private Text(Builder b) {
      positive("hidden_size", b.hiddenSize);
      positive("intermediate_size", b.intermediateSize);
      positive("num_hidden_layers", b.numHiddenLayers);
      positive("num_attention_heads", b.numAttentionHeads);
      positive("vocab_size", b.vocabSize);
      positive("max_position_embeddings", b.maxPositionEmbeddings);
      this.hiddenSize = b.hiddenSize;
      this.intermediateSize = b.intermediateSize;
      this.numHiddenLayers = b.numHiddenLayers;
      this.numAttentionHeads = b.numAttentionHeads;
      this.numKeyValueHeads = b.numKeyValueHeads == null ? b.numAttentionHeads : b.numKeyValueHeads;
      positive("num_key_value_heads", numKeyValueHeads);
      if (numAttentionHeads % numKeyValueHeads != 0) {
        throw new IllegalArgumentException(
            "num_attention_heads (" + numAttentionHeads + ") must be a multiple of"
                + " num_key_value_heads (" + numKeyValueHeads + ")");
      }
      if (b.headDim == null) {
        if (hiddenSize % numAttentionHeads != 0) {
          throw new IllegalArgumentException(
              "hidden_size (" + hiddenSize + ") must be a multiple of num_attention_heads ("
                  + numAttentionHeads + ") when head_dim is not given");
        }
        this.headDim = hiddenSize / numAttentionHeads;
      } else {
        this.headDim = b.headDim;
      }
      positive("head_dim", headDim);
      if (headDim % 2 != 0) {
        throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
      }
      if (!(b.rmsNormEps > 0) || !Double.isFinite(b.rmsNormEps)) {
        throw new IllegalArgumentException("rms_norm_eps must be positive, got " + b.rmsNormEps);
      }
      if (!(b.ropeTheta > 0) || !Double.isFinite(b.ropeTheta)) {
        throw new IllegalArgumentException("rope_theta must be positive, got " + b.ropeTheta);
      }
      this.rmsNormEps = b.rmsNormEps;
      this.ropeTheta = b.ropeTheta;
      this.vocabSize = b.vocabSize;
      this.maxPositionEmbeddings = b.maxPositionEmbeddings;
      this.hiddenAct = Objects.requireNonNull(b.hiddenAct, "hiddenAct");
      if (!hiddenAct.equals("silu")) {
        throw new IllegalArgumentException(
            "hidden_act '" + hiddenAct + "' is not supported for the language model (only \"silu\")");
      }
      this.attentionBias = b.attentionBias;
      this.mlpBias = b.mlpBias;
      this.tieWordEmbeddings = b.tieWordEmbeddings;
      this.bosTokenId = b.bosTokenId;
      this.eosTokenId = b.eosTokenId;
      this.padTokenId = b.padTokenId;
    }

    /** A builder starting from {@code LlamaConfig}'s defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.hiddenSize = hiddenSize;
      b.intermediateSize = intermediateSize;
      b.numHiddenLayers = numHiddenLayers;
      b.numAttentionHeads = numAttentionHeads;
      b.numKeyValueHeads = numKeyValueHeads;
      b.headDim = headDim;
      b.rmsNormEps = rmsNormEps;
      b.ropeTheta = ropeTheta;
      b.vocabSize = vocabSize;
      b.maxPositionEmbeddings = maxPositionEmbeddings;
      b.hiddenAct = hiddenAct;
      b.attentionBias = attentionBias;
      b.mlpBias = mlpBias;
      b.tieWordEmbeddings = tieWordEmbeddings;
      b.bosTokenId = bosTokenId;
      b.eosTokenId = eosTokenId;
      b.padTokenId = padTokenId;
      return b;
    }

    /** The residual width {@code H}. */
    public int hiddenSize() {
      return hiddenSize;
    }

    /** The SwiGLU MLP width {@code I}. */
    public int intermediateSize() {
      return intermediateSize;
    }

    /** The number of decoder blocks. */
    public int numHiddenLayers() {
      return numHiddenLayers;
    }

    /** The number of query heads. */
    public int numAttentionHeads() {
      return numAttentionHeads;
    }

    /** The number of key-value heads (the number of query heads when the config gives none). */
    public int numKeyValueHeads() {
      return numKeyValueHeads;
    }

    /** The per-head width ({@code hidden / heads} when the config gives none). */
    public int headDim() {
      return headDim;
    }

    /** The RMSNorm epsilon. */
    public double rmsNormEps() {
      return rmsNormEps;
    }

    /** The RoPE base ({@code rope_theta}, or {@code rope_parameters.rope_theta}). */
    public double ropeTheta() {
      return ropeTheta;
    }

    /** The vocabulary size (rows of the embedding and of {@code lm_head}). */
    public int vocabSize() {
      return vocabSize;
    }

    /** The longest sequence the model was configured for. */
    public int maxPositionEmbeddings() {
      return maxPositionEmbeddings;
    }

    /** The MLP activation; always {@code "silu"}. */
    public String hiddenAct() {
      return hiddenAct;
    }

    /** Whether q/k/v/o projections have biases. */
    public boolean attentionBias() {
      return attentionBias;
    }

    /** Whether the MLP projections have biases. */
    public boolean mlpBias() {
      return mlpBias;
    }

    /** The text config's own {@code tie_word_embeddings}. */
    public boolean tieWordEmbeddings() {
      return tieWordEmbeddings;
    }

    /** The BOS token id, or null. */
    public Integer bosTokenId() {
      return bosTokenId;
    }

    /** The EOS token id (the first when the config lists several), or null. */
    public Integer eosTokenId() {
      return eosTokenId;
    }

    /** The pad token id, or null. */
    public Integer padTokenId() {
      return padTokenId;
    }

    ObjectNode toJsonNode() {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("model_type", "llama");
      o.put("hidden_size", hiddenSize);
      o.put("intermediate_size", intermediateSize);
      o.put("num_hidden_layers", numHiddenLayers);
      o.put("num_attention_heads", numAttentionHeads);
      o.put("num_key_value_heads", numKeyValueHeads);
      o.put("head_dim", headDim);
      o.put("rms_norm_eps", rmsNormEps);
      o.put("rope_theta", ropeTheta);
      o.put("vocab_size", vocabSize);
      o.put("max_position_embeddings", maxPositionEmbeddings);
      o.put("hidden_act", hiddenAct);
      o.put("attention_bias", attentionBias);
      o.put("mlp_bias", mlpBias);
      o.put("tie_word_embeddings", tieWordEmbeddings);
      putNullable(o, "bos_token_id", bosTokenId);
      putNullable(o, "eos_token_id", eosTokenId);
      putNullable(o, "pad_token_id", padTokenId);
      return o;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Text)) {
        return false;
      }
      Text t = (Text) o;
      return hiddenSize == t.hiddenSize
          && intermediateSize == t.intermediateSize
          && numHiddenLayers == t.numHiddenLayers
          && numAttentionHeads == t.numAttentionHeads
          && numKeyValueHeads == t.numKeyValueHeads
          && headDim == t.headDim
          && Double.compare(rmsNormEps, t.rmsNormEps) == 0
          && Double.compare(ropeTheta, t.ropeTheta) == 0
          && vocabSize == t.vocabSize
          && maxPositionEmbeddings == t.maxPositionEmbeddings
          && hiddenAct.equals(t.hiddenAct)
          && attentionBias == t.attentionBias
          && mlpBias == t.mlpBias
          && tieWordEmbeddings == t.tieWordEmbeddings
          && Objects.equals(bosTokenId, t.bosTokenId)
          && Objects.equals(eosTokenId, t.eosTokenId)
          && Objects.equals(padTokenId, t.padTokenId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          hiddenSize,
          intermediateSize,
          numHiddenLayers,
          numAttentionHeads,
          numKeyValueHeads,
          headDim,
          rmsNormEps,
          ropeTheta,
          vocabSize,
          maxPositionEmbeddings,
          hiddenAct,
          attentionBias,
          mlpBias,
          tieWordEmbeddings,
          bosTokenId,
          eosTokenId,
          padTokenId);
    }

    @Override
    public String toString() {
      return "Text[" + numHiddenLayers + " layers, hidden " + hiddenSize + ", heads "
          + numAttentionHeads + "/" + numKeyValueHeads + " x " + headDim + ", mlp "
          + intermediateSize + ", vocab " + vocabSize + "]";
    }

    /** The builder of a {@link Text} configuration. */
    public static final class Builder {
      private int hiddenSize = 4096;
      private int intermediateSize = 11008;
      private int numHiddenLayers = 32;
      private int numAttentionHeads = 32;
      private Integer numKeyValueHeads;
      private Integer headDim;
      private double rmsNormEps = 1e-6;
      private double ropeTheta = 10000.0;
      private int vocabSize = 32000;
      private int maxPositionEmbeddings = 2048;
      private String hiddenAct = "silu";
      private boolean attentionBias;
      private boolean mlpBias;
      private boolean tieWordEmbeddings;
      private Integer bosTokenId = 1;
      private Integer eosTokenId = 2;
      private Integer padTokenId;

      private Builder() {}

      /** The residual width. */
      public Builder hiddenSize(int v) {
        hiddenSize = v;
        return this;
      }

      /** The MLP width. */
      public Builder intermediateSize(int v) {
        intermediateSize = v;
        return this;
      }

      /** The number of decoder blocks. */
      public Builder numHiddenLayers(int v) {
        numHiddenLayers = v;
        return this;
      }

      /** The number of query heads. */
      public Builder numAttentionHeads(int v) {
        numAttentionHeads = v;
        return this;
      }

      /** The number of key-value heads; null means as many as query heads. */
      public Builder numKeyValueHeads(Integer v) {
        numKeyValueHeads = v;
        return this;
      }

      /** The per-head width; null means {@code hidden / heads}. */
      public Builder headDim(Integer v) {
        headDim = v;
        return this;
      }

      /** The RMSNorm epsilon. */
      public Builder rmsNormEps(double v) {
        rmsNormEps = v;
        return this;
      }

      /** The RoPE base. */
      public Builder ropeTheta(double v) {
        ropeTheta = v;
        return this;
      }

      /** The vocabulary size. */
      public Builder vocabSize(int v) {
        vocabSize = v;
        return this;
      }

      /** The maximum number of positions. */
      public Builder maxPositionEmbeddings(int v) {
        maxPositionEmbeddings = v;
        return this;
      }

      /** The MLP activation (only {@code "silu"}). */
      public Builder hiddenAct(String v) {
        hiddenAct = v;
        return this;
      }

      /** Whether attention projections have biases. */
      public Builder attentionBias(boolean v) {
        attentionBias = v;
        return this;
      }

      /** Whether MLP projections have biases. */
      public Builder mlpBias(boolean v) {
        mlpBias = v;
        return this;
      }

      /** Whether {@code lm_head} is tied to the embeddings. */
      public Builder tieWordEmbeddings(boolean v) {
        tieWordEmbeddings = v;
        return this;
      }

      /** The BOS token id, or null. */
      public Builder bosTokenId(Integer v) {
        bosTokenId = v;
        return this;
      }

      /** The EOS token id, or null. */
      public Builder eosTokenId(Integer v) {
        eosTokenId = v;
        return this;
      }

      /** The pad token id, or null. */
      public Builder padTokenId(Integer v) {
        padTokenId = v;
        return this;
      }

      /**
       * The configuration.
       *
       * @throws IllegalArgumentException naming the key when a value is invalid or unsupported
       */
      public Text build() {
        return new Text(this);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The CLIP vision tower's configuration ({@code vision_config}). Builder defaults are
   * {@code CLIPVisionConfig}'s: hidden 768, MLP 3072, 12 layers, 12 heads, image 224, patch 32, 3
   * channels, LayerNorm eps 1e-5, {@code quick_gelu}.
   */
  public static final class Vision {
    private static final Set<String> ACTIVATIONS = Set.of("quick_gelu", "gelu");

    /** The tower {@code LlavaConfig()} uses when no vision config is given: CLIP-L/14 at 336 px. */
    static final Vision CLIP_L_336 =
        new Builder()
            .hiddenSize(1024)
            .intermediateSize(4096)
            .numHiddenLayers(24)
            .numAttentionHeads(16)
            .imageSize(336)
            .patchSize(14)
            .build();

    private final int hiddenSize;
    private final int intermediateSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int imageSize;
    private final int patchSize;
    private final int numChannels;
    private final double layerNormEps;
    private final String hiddenAct;

    private Vision(Builder b) {
      positive("hidden_size", b.hiddenSize);
      positive("intermediate_size", b.intermediateSize);
      positive("num_hidden_layers", b.numHiddenLayers);
      positive("num_attention_heads", b.numAttentionHeads);
      positive("image_size", b.imageSize);
      positive("patch_size", b.patchSize);
      positive("num_channels", b.numChannels);
      if (b.hiddenSize % b.numAttentionHeads != 0) {
        throw new IllegalArgumentException(
            "hidden_size (" + b.hiddenSize + ") must be a multiple of num_attention_heads ("
                + b.numAttentionHeads + ")");
      }
      if (b.patchSize > b.imageSize) {
        throw new IllegalArgumentException(
            "patch_size (" + b.patchSize + ") is larger than image_size (" + b.imageSize + ")");
      }
      if (!(b.layerNormEps > 0) || !Double.isFinite(b.layerNormEps)) {
        throw new IllegalArgumentException("layer_norm_eps must be positive, got " + b.layerNormEps);
      }
      if (!ACTIVATIONS.contains(b.hiddenAct)) {
        throw new IllegalArgumentException(
            "hidden_act '" + b.hiddenAct + "' is not supported for the vision tower (only"
                + " \"quick_gelu\" or \"gelu\")");
      }
      this.hiddenSize = b.hiddenSize;
      this.intermediateSize = b.intermediateSize;
      this.numHiddenLayers = b.numHiddenLayers;
      this.numAttentionHeads = b.numAttentionHeads;
      this.imageSize = b.imageSize;
      this.patchSize = b.patchSize;
      this.numChannels = b.numChannels;
      this.layerNormEps = b.layerNormEps;
      this.hiddenAct = b.hiddenAct;
    }

    /** A builder starting from {@code CLIPVisionConfig}'s defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
      return new Builder()
          .hiddenSize(hiddenSize)
          .intermediateSize(intermediateSize)
          .numHiddenLayers(numHiddenLayers)
          .numAttentionHeads(numAttentionHeads)
          .imageSize(imageSize)
          .patchSize(patchSize)
          .numChannels(numChannels)
          .layerNormEps(layerNormEps)
          .hiddenAct(hiddenAct);
    }

    /** The tower's width {@code D}. */
    public int hiddenSize() {
      return hiddenSize;
    }

    /** The MLP width. */
    public int intermediateSize() {
      return intermediateSize;
    }

    /** The number of encoder layers. */
    public int numHiddenLayers() {
      return numHiddenLayers;
    }

    /** The number of attention heads. */
    public int numAttentionHeads() {
      return numAttentionHeads;
    }

    /** The input image side in pixels. */
    public int imageSize() {
      return imageSize;
    }

    /** The patch side in pixels. */
    public int patchSize() {
      return patchSize;
    }

    /** The number of input channels. */
    public int numChannels() {
      return numChannels;
    }

    /** The LayerNorm epsilon. */
    public double layerNormEps() {
      return layerNormEps;
    }

    /** The MLP activation: {@code "quick_gelu"} or {@code "gelu"}. */
    public String hiddenAct() {
      return hiddenAct;
    }

    ObjectNode toJsonNode() {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("model_type", "clip_vision_model");
      o.put("hidden_size", hiddenSize);
      o.put("intermediate_size", intermediateSize);
      o.put("num_hidden_layers", numHiddenLayers);
      o.put("num_attention_heads", numAttentionHeads);
      o.put("image_size", imageSize);
      o.put("patch_size", patchSize);
      o.put("num_channels", numChannels);
      o.put("layer_norm_eps", layerNormEps);
      o.put("hidden_act", hiddenAct);
      return o;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Vision)) {
        return false;
      }
      Vision v = (Vision) o;
      return hiddenSize == v.hiddenSize
          && intermediateSize == v.intermediateSize
          && numHiddenLayers == v.numHiddenLayers
          && numAttentionHeads == v.numAttentionHeads
          && imageSize == v.imageSize
          && patchSize == v.patchSize
          && numChannels == v.numChannels
          && Double.compare(layerNormEps, v.layerNormEps) == 0
          && hiddenAct.equals(v.hiddenAct);
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          hiddenSize,
          intermediateSize,
          numHiddenLayers,
          numAttentionHeads,
          imageSize,
          patchSize,
          numChannels,
          layerNormEps,
          hiddenAct);
    }

    @Override
    public String toString() {
      return "Vision[" + numHiddenLayers + " layers, hidden " + hiddenSize + ", heads "
          + numAttentionHeads + ", mlp " + intermediateSize + ", image " + imageSize + ", patch "
          + patchSize + "]";
    }

    /** The builder of a {@link Vision} configuration. */
    public static final class Builder {
      private int hiddenSize = 768;
      private int intermediateSize = 3072;
      private int numHiddenLayers = 12;
      private int numAttentionHeads = 12;
      private int imageSize = 224;
      private int patchSize = 32;
      private int numChannels = 3;
      private double layerNormEps = 1e-5;
      private String hiddenAct = "quick_gelu";

      private Builder() {}

      /** The tower's width. */
      public Builder hiddenSize(int v) {
        hiddenSize = v;
        return this;
      }

      /** The MLP width. */
      public Builder intermediateSize(int v) {
        intermediateSize = v;
        return this;
      }

      /** The number of encoder layers. */
      public Builder numHiddenLayers(int v) {
        numHiddenLayers = v;
        return this;
      }

      /** The number of attention heads. */
      public Builder numAttentionHeads(int v) {
        numAttentionHeads = v;
        return this;
      }

      /** The input image side in pixels. */
      public Builder imageSize(int v) {
        imageSize = v;
        return this;
      }

      /** The patch side in pixels. */
      public Builder patchSize(int v) {
        patchSize = v;
        return this;
      }

      /** The number of input channels. */
      public Builder numChannels(int v) {
        numChannels = v;
        return this;
      }

      /** The LayerNorm epsilon. */
      public Builder layerNormEps(double v) {
        layerNormEps = v;
        return this;
      }

      /** The MLP activation: {@code "quick_gelu"} or {@code "gelu"}. */
      public Builder hiddenAct(String v) {
        hiddenAct = v;
        return this;
      }

      /**
       * The configuration.
       *
       * @throws IllegalArgumentException naming the key when a value is invalid or unsupported
       */
      public Vision build() {
        return new Vision(this);
      }
    }
  }
}
