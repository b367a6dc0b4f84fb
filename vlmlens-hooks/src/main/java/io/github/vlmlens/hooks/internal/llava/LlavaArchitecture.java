package io.github.vlmlens.hooks.internal.llava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.hooks.LlavaModel;
import io.github.vlmlens.hooks.internal.io.GenerationDefaults;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.TokenizedArchitecture;
import io.github.vlmlens.hooks.internal.model.HookPointCatalog;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.LlavaNetwork;
import java.util.Arrays;
import java.util.List;

/**
 * LLaVA (CLIP tower, projector, Llama decoder) behind the {@link Architecture} seam: every image
 * is resized and cropped to the tower's square input, becomes {@code patches + 1} vision rows and
 * a fixed number of image tokens; positions are {@code 0..T-1}.
 */
public final class LlavaArchitecture extends TokenizedArchitecture {
  private final LlavaModel model;
  private final LlavaNetwork network;
  private final boolean ownsModel;
  private final ImagePreprocessor preprocessor;
  private final HookPointCatalog catalog;
  private final int visionSeq;
  private final int imageTokens;
  private final int channels;
  private final int imageSize;
  private final long padId;

  /**
   * @param network the model's network
   * @param ownsModel whether {@link #close()} frees the model (the tokenizer is always freed)
   */
  public LlavaArchitecture(
      LlavaModel model, LlavaNetwork network, boolean ownsModel, LlavaTokenizer tokenizer,
      ImagePreprocessor preprocessor, PromptFormat format) {
    super(tokenizer, model.manager(), model.dataType(), format);
    this.model = model;
    this.network = network;
    this.ownsModel = ownsModel;
    this.preprocessor = preprocessor;
    LlavaConfig c = model.config();
    this.catalog =
        new HookPointCatalog(
            model.hookPoints(), model.numLayers(), model.visionLayersRun(), c.vision().numHiddenLayers());
    int g = c.vision().imageSize() / c.vision().patchSize();
    this.visionSeq = g * g + 1;
    this.imageTokens = model.imageTokensPerImage();
    this.channels = c.vision().numChannels();
    this.imageSize = c.vision().imageSize();
    this.padId = padId(c);
  }

  private static long padId(LlavaConfig c) {
    Integer pad = c.text().padTokenId();
    int image = c.imageTokenIndex();
    int v = c.text().vocabSize();
    if (pad != null && pad >= 0 && pad < v && pad != image) {
      return pad;
    }
    return image == 0 ? 1 : 0;
  }

  /** The model underneath. */
  public LlavaModel model() {
    return model;
  }

  /** The image preprocessing. */
  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  @Override
  public String modelType() {
    return "llava";
  }

  @Override
  public int numLayers() {
    return model.numLayers();
  }

  @Override
  public int hiddenSize() {
    return model.config().text().hiddenSize();
  }

  @Override
  public int vocabSize() {
    return model.config().text().vocabSize();
  }

  @Override
  public long padId() {
    return padId;
  }

  @Override
  public HookPointCatalog catalog() {
    return catalog;
  }

  @Override
  public int width(HookPoint point) {
    LlavaConfig c = model.config();
    if (point.component() == HookPoint.Component.VISION) {
      return c.vision().hiddenSize();
    }
    if (point.site() == HookPoint.Site.ATTN_Z && point.component() == HookPoint.Component.LM) {
      return c.text().numAttentionHeads() * c.text().headDim();
    }
    return c.text().hiddenSize();
  }

  @Override
  public int heads(HookPoint.Component component) {
    return component == HookPoint.Component.VISION
        ? model.config().vision().numAttentionHeads()
        : model.config().text().numAttentionHeads();
  }

  @Override
  public int[] stopTokenIds() {
    int[] ids = GenerationDefaults.eosTokenIds(model.source());
    if (ids.length == 0 && model.config().text().eosTokenId() != null) {
      ids = new int[] {model.config().text().eosTokenId()};
    }
    return ids;
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    LlavaEncoded e = (LlavaEncoded) encoded;
    int[] ids = java.util.Arrays.copyOf(e.ids, e.ids.length + appended.length);
    System.arraycopy(appended, 0, ids, e.ids.length, appended.length);
    return new LlavaEncoded(ids, e.images);
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    if (tokenization.imageCount() != input.images().size()) {
      throw new IllegalArgumentException(
          "the tokenization has " + tokenization.imageCount() + " image range(s) for "
              + input.images().size() + " image(s)");
    }
    return new LlavaEncoded(tokenization.ids(), input.images());
  }

  private final class LlavaEncoded implements Encoded {
    private final int[] ids;
    private final List<RgbImage> images;

    LlavaEncoded(int[] ids, List<RgbImage> images) {
      this.ids = ids;
      this.images = images;
    }

    @Override
    public int[] ids() {
      return ids;
    }

    @Override
    public int images() {
      return images.size();
    }

    @Override
    public int rows(HookPoint.Component component) {
      switch (component) {
        case VISION:
          return images.size() * visionSeq;
        case PROJECTOR:
          return images.size() * imageTokens;
        default:
          return ids.length;
      }
    }
  }

  private static final class LlavaBatch implements Batch {
    final NDArray ids;
    final NDArray pixels;
    /** A generation step: its token is embedded as text even when it is the image token's id. */
    final boolean step;

    LlavaBatch(NDArray ids, NDArray pixels) {
      this(ids, pixels, false);
    }

    LlavaBatch(NDArray ids, NDArray pixels, boolean step) {
      this.ids = ids;
      this.pixels = pixels;
      this.step = step;
    }
  }

  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    long[] ids = new long[b * length];
    Arrays.fill(ids, padId);
    int nImages = 0;
    for (int i = 0; i < b; i++) {
      int[] sIds = inputs.get(i).ids();
      for (int t = 0; t < sIds.length; t++) {
        ids[i * length + t] = sIds[t];
      }
      nImages += inputs.get(i).images();
    }
    NDArray px = null;
    if (withPixels && nImages > 0) {
      int per = channels * imageSize * imageSize;
      float[] all = new float[nImages * per];
      int at = 0;
      for (Encoded e : inputs) {
        for (RgbImage img : ((LlavaEncoded) e).images) {
          float[] v = preprocessor.pixelValues(img);
          if (v.length != per) {
            throw new IllegalStateException(
                "the preprocessor gave " + v.length + " values for " + img + ", the vision tower needs "
                    + per + " (" + channels + "x" + imageSize + "x" + imageSize + ")");
          }
          System.arraycopy(v, 0, all, at, per);
          at += per;
        }
      }
      px = run.create(all, new Shape(nImages, channels, imageSize, imageSize));
    }
    return new LlavaBatch(run.create(ids, new Shape(b, length)), px);
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    LlavaBatch lb = (LlavaBatch) batch;
    return lb.step ? network.embedText(lb.ids, tap) : model.embed(lb.ids, lb.pixels, tap);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    LlavaBatch lb = (LlavaBatch) batch;
    if (lb.pixels != null) {
      model.imageFeatures(lb.pixels, tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    return network.decode(hidden, from, to, cache, tap);
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    return new LlavaBatch(run.create(new long[] {token}, new Shape(1, 1)), null, true);
  }

  @Override
  public NDArray logits(NDArray hidden) {
    return model.logits(hidden);
  }

  @Override
  public java.util.Map<String, NDArray> parameters() {
    return model.parameters();
  }

  @Override
  public void saveWeights(java.nio.file.Path dir) throws java.io.IOException {
    model.save(dir);
  }

  /** Frees the tokenizer, and the model (with its manager) only when this architecture owns it. */
  @Override
  public void close() {
    tokenizer.close();
    if (ownsModel) {
      model.close();
    }
  }
}
