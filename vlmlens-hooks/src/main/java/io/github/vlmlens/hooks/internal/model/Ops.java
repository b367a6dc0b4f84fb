package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Locale;

/**
 * The tensor operations of the LLaVA network, each with Hugging Face's semantics (see
 * {@code HF_LLAVA.md}). Every operation takes the activation as its receiver, so results are
 * attached to the activation's manager, never to a parameter's.
 */
public final class Ops {
  private Ops() {}

  /**
   * A 0-dimensional float32 array holding {@code value} (as DJL's {@code mul(Number)} makes it),
   * on {@code like}'s manager and device, allocated natively.
   *
   * <p>Use it instead of DJL's {@code mul(Number)}, {@code pow(Number)} and friends in anything
   * that may run under a {@code GradientCollector}: those wrap the number in an array backed by a
   * Java direct buffer ({@code torch::from_blob}, no copy) and close it at once, while autograd
   * keeps the tensor for the backward pass; once the buffer is collected, the backward pass reads
   * freed memory (seen as sporadic NaN gradients while training). {@code full} allocates in
   * PyTorch, so autograd's reference keeps the value alive.
   */
  public static NDArray scalar(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, DataType.FLOAT32);
  }

  /** {@code x W^T + b} with {@code W} of shape {@code [out, in]} (PyTorch's layout); {@code b} may be null. */
  public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return Linear.linear(x, weight, bias).singletonOrThrow();
  }

  /**
   * Llama's RMSNorm: in float32, {@code x * rsqrt(mean(x^2) + eps)}, cast back to the input's
   * dtype, then times {@code weight}. No bias, no mean subtraction.
   */
  public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    return rmsNormalized(x, eps).toType(x.getDataType(), false).mul(weight);
  }

  /** {@code x * rsqrt(mean(x^2) + eps)} over the last dimension, in float32. */
  private static NDArray rmsNormalized(NDArray x, float eps) {
    NDArray xf = x.toType(DataType.FLOAT32, false);
    NDArray variance = xf.square().mean(new int[] {-1}, true);
    return xf.mul(variance.add(scalar(variance, eps)).pow(scalar(variance, -0.5f)));
  }

  /** PyTorch's LayerNorm over the last dimension (CLIP's {@code layer_norm1/2}, {@code pre_layrnorm}). */
  public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
    return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps)
        .singletonOrThrow();
  }

  /** CLIP's {@code quick_gelu}: {@code x * sigmoid(1.702 x)}. */
  public static NDArray quickGelu(NDArray x) {
    return x.mul(Activation.sigmoid(x.mul(scalar(x, 1.702f))));
  }

  /** The exact (erf) GELU, {@code x * 0.5 * (1 + erf(x / sqrt 2))}: Hugging Face's {@code "gelu"}. */
  public static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }

  /** SiLU, {@code x * sigmoid(x)}. */
  public static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /**
   * The activation Hugging Face's {@code ACT2FN} names: {@code gelu}, {@code quick_gelu},
   * {@code silu} (or {@code swish}) and {@code relu}.
   *
   * @throws IllegalArgumentException for another name
   */
  public static NDArray activation(String name, NDArray x) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu":
        return gelu(x);
      case "quick_gelu":
        return quickGelu(x);
      case "silu":
      case "swish":
        return silu(x);
      case "relu":
        return Activation.relu(x);
      case "gelu_pytorch_tanh":
      case "gelu_new":
        return geluTanh(x);
      default:
        throw new IllegalArgumentException(
            "unsupported activation '" + name + "'; supported: gelu, quick_gelu, silu, relu, gelu_pytorch_tanh");
    }
  }

  /** Checks that an activation name is one {@link #activation} knows. */
  public static void checkActivation(String what, String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu":
      case "quick_gelu":
      case "silu":
      case "swish":
      case "relu":
      case "gelu_pytorch_tanh":
      case "gelu_new":
        return;
      default:
        throw new IllegalArgumentException(
            "unsupported " + what + " '" + name + "'; supported: gelu, quick_gelu, silu, relu, gelu_pytorch_tanh");
    }
  }

  /** {@code rotate_half}: {@code cat(-x[..., d/2:], x[..., :d/2])} on the last dimension. */
  public static NDArray rotateHalf(NDArray x) {
    long d = x.getShape().get(x.getShape().dimension() - 1);
    long h = d / 2;
    NDArray x1 = x.get("..., :" + h);
    NDArray x2 = x.get("..., " + h + ":");
    return NDArrays.concat(new NDList(x2.neg(), x1), -1);
  }

  /**
   * Rotary position embedding in the half-split layout: {@code x * cos + rotate_half(x) * sin},
   * with {@code cos}, {@code sin} of shape {@code [T, d]} broadcast over the leading dimensions of
   * {@code x} ({@code [..., T, d]}).
   */
  public static NDArray applyRotary(NDArray x, NDArray cos, NDArray sin) {
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }

  /**
   * The rotary tables for positions {@code 0..length-1}: {@code inv_freq[i] = 1 / theta^(2i/d)}
   * in float32, {@code freqs = position * inv_freq}, {@code emb = cat(freqs, freqs)}; returns
   * {@code cos(emb)} and {@code sin(emb)}, each {@code [length, d]}, cast to {@code dataType}.
   */
  public static NDList rotaryTables(
      NDManager manager, int length, int headDim, double theta, DataType dataType) {
    NDArray exponents =
        manager.arange(0, headDim, 2, DataType.INT64).toType(DataType.FLOAT32, false).div(headDim);
    NDArray invFreq = manager.create((float) theta).pow(exponents).pow(-1f); // [d/2]
    NDArray positions = manager.arange(0, length, 1, DataType.INT64).toType(DataType.FLOAT32, false);
    NDArray freqs = positions.reshape(length, 1).mul(invFreq.reshape(1, headDim / 2));
    NDArray emb = NDArrays.concat(new NDList(freqs, freqs), 1);
    return new NDList(emb.cos().toType(dataType, false), emb.sin().toType(dataType, false));
  }

  /** The additive causal mask {@code [length, length]} in float32: 0 on and below the diagonal, the lowest float above. */
  public static NDArray causalMask(NDManager manager, int length) {
    float[] m = new float[length * length];
    for (int i = 0; i < length; i++) {
      for (int j = i + 1; j < length; j++) {
        m[i * length + j] = -Float.MAX_VALUE;
      }
    }
    return manager.create(m, new Shape(length, length));
  }

  /** {@code [B, T, heads * d] -> [B, heads, T, d]}. */
  public static NDArray splitHeads(NDArray x, long heads, long headDim) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
  }

  /** {@code [B, heads, T, d] -> [B, T, heads * d]}. */
  public static NDArray mergeHeads(NDArray x) {
    Shape s = x.getShape();
    return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
  }

  /**
   * Runs {@code body} on {@code x} in a scratch sub-manager of {@code x}'s manager: every array the
   * body makes is freed when it returns, except its result, which is attached to {@code x}'s
   * manager.
   */
  public static NDArray scoped(NDArray x, java.util.function.UnaryOperator<NDArray> body) {
    NDManager outer = x.getManager();
    try (NDManager scratch = outer.newSubManager()) {
      x.tempAttach(scratch);
      NDArray out = body.apply(x);
      out.attach(outer);
      return out;
    }
  }

  /**
   * {@code table [rows, width]} with row {@code rows[i]} replaced by row {@code i} of
   * {@code values [rows.length, width]} (one gather over the concatenation, so it works on every
   * device and keeps gradients to both inputs).
   */
  public static NDArray replaceRows(NDArray table, long[] rows, NDArray values) {
    long n = table.getShape().get(0);
    long[] gather = new long[Math.toIntExact(n)];
    for (int i = 0; i < gather.length; i++) {
      gather[i] = i;
    }
    for (int i = 0; i < rows.length; i++) {
      gather[Math.toIntExact(rows[i])] = n + i;
    }
    NDArray all = NDArrays.concat(new NDList(table, values.toType(table.getDataType(), false)), 0);
    return ai.djl.nn.core.Embedding.embedding(
            table.getManager().create(gather), all, ai.djl.ndarray.types.SparseFormat.DENSE)
        .singletonOrThrow();
  }

  /**
   * The tanh approximation of GELU, {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}:
   * Hugging Face's {@code gelu_pytorch_tanh} and {@code gelu_new} (SigLIP, Gemma).
   */
  public static NDArray geluTanh(NDArray x) {
    NDArray inner = x.add(x.pow(scalar(x, 3f)).mul(scalar(x, 0.044715f))).mul(scalar(x, (float) Math.sqrt(2 / Math.PI)));
    return x.mul(scalar(x, 0.5f)).mul(inner.tanh().add(scalar(x, 1f)));
  }

  /**
   * Gemma's RMSNorm: {@code x * rsqrt(mean(x^2) + eps) * (1 + w)} all in float32, cast back to the
   * input's dtype; {@code onePlusWeight} holds {@code 1 + w} in float32.
   */
  public static NDArray rmsNormOnePlus(NDArray x, NDArray onePlusWeight, float eps) {
    return rmsNormalized(x, eps).mul(onePlusWeight).toType(x.getDataType(), false);
  }
}
