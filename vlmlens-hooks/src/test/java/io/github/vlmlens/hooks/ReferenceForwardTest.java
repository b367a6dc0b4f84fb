package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The whole forward pass against a straightforward host implementation in {@code double} of the
 * same formulas (HF_LLAVA.md): a 1-layer Llama decoder with GQA and half-split rotary, and the CLIP
 * tower (patch conv, CLS, positions, pre-LN, quick_gelu, hidden state -2) with the GELU projector.
 */
class ReferenceForwardTest {

  private static double[] d(NDArray a) {
    float[] f = a.toFloatArray();
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  /** {@code x [T, in] W^T [out, in] + b}. */
  private static double[][] linear(double[][] x, double[] w, double[] b, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * w[o * in + i];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  private static double[][] rms(double[][] x, double[] w, double eps) {
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      double ms = 0;
      for (double v : x[t]) {
        ms += v * v;
      }
      ms /= x[t].length;
      double r = 1 / Math.sqrt(ms + eps);
      for (int i = 0; i < x[t].length; i++) {
        y[t][i] = x[t][i] * r * w[i];
      }
    }
    return y;
  }

  private static double[][] layerNorm(double[][] x, double[] w, double[] b, double eps) {
    double[][] y = new double[x.length][x[0].length];
    int n = x[0].length;
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) {
        mean += v;
      }
      mean /= n;
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean);
      }
      var /= n;
      for (int i = 0; i < n; i++) {
        y[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * w[i] + b[i];
      }
    }
    return y;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[0].length; i++) {
        y[t][i] = a[t][i] + b[t][i];
      }
    }
    return y;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** erf by its Taylor series (|x| <= 5; beyond, +-1 within 2e-12). */
  static double erf(double x) {
    if (Math.abs(x) > 5) {
      return Math.signum(x);
    }
    double sum = 0;
    double term = x;
    for (int n = 0; n < 200; n++) {
      double t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.max(1, Math.abs(sum))) {
        break;
      }
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  /**
   * Multi-head attention: q {@code [T, heads*hd]}, k/v {@code [S, kvHeads*hd]}; query head h uses
   * kv head {@code h / (heads / kvHeads)}; causal when asked.
   */
  private static double[][] attention(
      double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int hd, boolean causal) {
    int t = q.length;
    double[][] out = new double[t][heads * hd];
    int rep = heads / kvHeads;
    for (int h = 0; h < heads; h++) {
      int kh = h / rep;
      for (int i = 0; i < t; i++) {
        int last = causal ? i : k.length - 1;
        double[] s = new double[last + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= last; j++) {
          double dot = 0;
          for (int e = 0; e < hd; e++) {
            dot += q[i][h * hd + e] * k[j][kh * hd + e];
          }
          s[j] = dot / Math.sqrt(hd);
          max = Math.max(max, s[j]);
        }
        double z = 0;
        for (int j = 0; j <= last; j++) {
          s[j] = Math.exp(s[j] - max);
          z += s[j];
        }
        for (int j = 0; j <= last; j++) {
          for (int e = 0; e < hd; e++) {
            out[i][h * hd + e] += s[j] / z * v[j][kh * hd + e];
          }
        }
      }
    }
    return out;
  }

  /** Half-split rotary on each head of {@code x [T, heads*hd]}, positions 0..T-1. */
  private static double[][] rotary(double[][] x, int heads, int hd, double theta) {
    double[][] y = new double[x.length][x[0].length];
    int half = hd / 2;
    for (int t = 0; t < x.length; t++) {
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < half; i++) {
          double inv = 1 / Math.pow(theta, 2.0 * i / hd);
          double c = Math.cos(t * inv);
          double s = Math.sin(t * inv);
          double a = x[t][h * hd + i];
          double b = x[t][h * hd + i + half];
          y[t][h * hd + i] = a * c - b * s;
          y[t][h * hd + i + half] = b * c + a * s;
        }
      }
    }
    return y;
  }

  @Test
  void oneLayerDecoderMatchesAHostImplementation() {
    LlavaConfig c = TinyLlava.config(1);
    LlavaConfig.Text tc = c.text();
    try (LlavaModel model = LlavaModel.initRandom(c, 123, LoadOptions.defaults());
        NDManager sub = model.manager().newSubManager()) {
      Map<String, NDArray> p = model.parameters();
      String l = "language_model.model.layers.0.";
      int hsz = tc.hiddenSize();
      int heads = tc.numAttentionHeads();
      int kv = tc.numKeyValueHeads();
      int hd = tc.headDim();
      int inter = tc.intermediateSize();
      int vocab = tc.vocabSize();
      long[] ids = {1, 9, 12, 30, 7, 7, 41, 22, 15, 60, 5};
      int t = ids.length;
      double[] emb = d(p.get("language_model.model.embed_tokens.weight"));
      double[][] x = new double[t][hsz];
      for (int i = 0; i < t; i++) {
        System.arraycopy(emb, (int) ids[i] * hsz, x[i], 0, hsz);
      }
      double eps = tc.rmsNormEps();
      double[][] a = rms(x, d(p.get(l + "input_layernorm.weight")), eps);
      double[][] q = rotary(linear(a, d(p.get(l + "self_attn.q_proj.weight")), null, heads * hd), heads, hd, tc.ropeTheta());
      double[][] k = rotary(linear(a, d(p.get(l + "self_attn.k_proj.weight")), null, kv * hd), kv, hd, tc.ropeTheta());
      double[][] v = linear(a, d(p.get(l + "self_attn.v_proj.weight")), null, kv * hd);
      double[][] o = linear(attention(q, k, v, heads, kv, hd, true), d(p.get(l + "self_attn.o_proj.weight")), null, hsz);
      double[][] h = add(x, o);
      double[][] n = rms(h, d(p.get(l + "post_attention_layernorm.weight")), eps);
      double[][] g = linear(n, d(p.get(l + "mlp.gate_proj.weight")), null, inter);
      double[][] u = linear(n, d(p.get(l + "mlp.up_proj.weight")), null, inter);
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < inter; j++) {
          g[i][j] = g[i][j] * sigmoid(g[i][j]) * u[i][j];
        }
      }
      double[][] out = add(h, linear(g, d(p.get(l + "mlp.down_proj.weight")), null, hsz));
      double[][] logits =
          linear(rms(out, d(p.get("language_model.model.norm.weight")), eps), d(p.get("language_model.lm_head.weight")), null, vocab);

      float[] got = model.forward(sub.create(ids, new Shape(1, t)), null).toFloatArray();
      double maxErr = 0;
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < vocab; j++) {
          maxErr = Math.max(maxErr, Math.abs(logits[i][j] - got[i * vocab + j]));
        }
      }
      assertEquals(0, maxErr, 1e-4, "max |logit error|");
    }
  }

  @Test
  void visionTowerAndProjectorMatchAHostImplementation() {
    LlavaConfig c = TinyLlava.config(1);
    LlavaConfig.Vision vc = c.vision();
    try (LlavaModel model = LlavaModel.initRandom(c, 77, LoadOptions.defaults());
        NDManager sub = model.manager().newSubManager()) {
      Map<String, NDArray> p = model.parameters();
      String vp = "vision_tower.vision_model.";
      int dim = vc.hiddenSize();
      int ps = vc.patchSize();
      int g = vc.imageSize() / ps;
      int heads = vc.numAttentionHeads();
      int hd = dim / heads;
      int inter = vc.intermediateSize();
      int hsz = c.text().hiddenSize();
      Random r = new Random(5);
      float[] px = new float[3 * 32 * 32];
      for (int i = 0; i < px.length; i++) {
        px[i] = (float) r.nextGaussian();
      }
      // Patch embedding: conv without bias, patches in row-major order; CLS first; positions.
      double[] conv = d(p.get(vp + "embeddings.patch_embedding.weight"));
      double[] cls = d(p.get(vp + "embeddings.class_embedding"));
      double[] pos = d(p.get(vp + "embeddings.position_embedding.weight"));
      double[][] x = new double[g * g + 1][dim];
      for (int e = 0; e < dim; e++) {
        x[0][e] = cls[e] + pos[e];
      }
      for (int gy = 0; gy < g; gy++) {
        for (int gx = 0; gx < g; gx++) {
          int row = 1 + gy * g + gx;
          for (int e = 0; e < dim; e++) {
            double s = 0;
            for (int ch = 0; ch < 3; ch++) {
              for (int ky = 0; ky < ps; ky++) {
                for (int kx = 0; kx < ps; kx++) {
                  s += conv[((e * 3 + ch) * ps + ky) * ps + kx] * px[(ch * 32 + gy * ps + ky) * 32 + gx * ps + kx];
                }
              }
            }
            x[row][e] = s + pos[row * dim + e];
          }
        }
      }
      double eps = vc.layerNormEps();
      x = layerNorm(x, d(p.get(vp + "pre_layrnorm.weight")), d(p.get(vp + "pre_layrnorm.bias")), eps);
      // vision_feature_layer -2 of a 2-layer tower: the output of layer 1 (index 0).
      String l = vp + "encoder.layers.0.";
      double[][] a = layerNorm(x, d(p.get(l + "layer_norm1.weight")), d(p.get(l + "layer_norm1.bias")), eps);
      double[][] q = linear(a, d(p.get(l + "self_attn.q_proj.weight")), d(p.get(l + "self_attn.q_proj.bias")), dim);
      double[][] k = linear(a, d(p.get(l + "self_attn.k_proj.weight")), d(p.get(l + "self_attn.k_proj.bias")), dim);
      double[][] v = linear(a, d(p.get(l + "self_attn.v_proj.weight")), d(p.get(l + "self_attn.v_proj.bias")), dim);
      double[][] o =
          linear(attention(q, k, v, heads, heads, hd, false), d(p.get(l + "self_attn.out_proj.weight")),
              d(p.get(l + "self_attn.out_proj.bias")), dim);
      double[][] h = add(x, o);
      double[][] m = linear(
          layerNorm(h, d(p.get(l + "layer_norm2.weight")), d(p.get(l + "layer_norm2.bias")), eps),
          d(p.get(l + "mlp.fc1.weight")), d(p.get(l + "mlp.fc1.bias")), inter);
      for (double[] row : m) {
        for (int j = 0; j < inter; j++) {
          row[j] = row[j] * sigmoid(1.702 * row[j]);
        }
      }
      double[][] hs1 = add(h, linear(m, d(p.get(l + "mlp.fc2.weight")), d(p.get(l + "mlp.fc2.bias")), dim));
      double[][] feats = new double[g * g][];
      System.arraycopy(hs1, 1, feats, 0, g * g); // "default": drop CLS
      double[][] y = linear(feats, d(p.get("multi_modal_projector.linear_1.weight")),
          d(p.get("multi_modal_projector.linear_1.bias")), hsz);
      for (double[] row : y) {
        for (int j = 0; j < hsz; j++) {
          row[j] = row[j] * 0.5 * (1 + erf(row[j] / Math.sqrt(2)));
        }
      }
      y = linear(y, d(p.get("multi_modal_projector.linear_2.weight")), d(p.get("multi_modal_projector.linear_2.bias")), hsz);

      float[] got = model.imageFeatures(sub.create(px, new Shape(1, 3, 32, 32)), ForwardTap.NONE).toFloatArray();
      double maxErr = 0;
      for (int i = 0; i < g * g; i++) {
        for (int j = 0; j < hsz; j++) {
          maxErr = Math.max(maxErr, Math.abs(y[i][j] - got[i * hsz + j]));
        }
      }
      assertEquals(0, maxErr, 1e-4, "max |feature error|");
    }
  }

  @Test
  void erfOfTheReferenceIsRight() {
    assertEquals(0.8427007929497149, erf(1), 1e-14);
    assertEquals(-0.9953222650189527, erf(-2), 1e-14);
    assertEquals(0.9999779095030014, erf(3), 1e-12);
  }
}
