package io.github.vlmlens.hooks.internal.mllama;

/**
 * Rotary inverse frequencies, plain or with Llama 3's scaling ({@code rope_type: llama3}), in
 * float32 step by step as Hugging Face's {@code _compute_llama3_parameters} computes them:
 * frequencies whose wavelength {@code 2 pi / f} is below {@code original / high_freq_factor} are
 * kept, those above {@code original / low_freq_factor} divided by {@code factor}, and those between
 * interpolated with {@code s = (original / wavelength - low) / (high - low)}:
 * {@code (1 - s) f / factor + s f}. The attention scaling of {@code llama3} is 1.
 */
public final class MllamaRope {
  private MllamaRope() {}

  /** The {@code headDim / 2} inverse frequencies. */
  public static float[] inverseFrequencies(int headDim, double theta, MllamaConfig.Llama3Scaling llama3) {
    float[] inv = new float[headDim / 2];
    for (int i = 0; i < inv.length; i++) {
      float e = (float) (2 * i) / (float) headDim;
      inv[i] = 1.0f / (float) Math.pow((float) theta, e);
    }
    if (llama3 == null) {
      return inv;
    }
    float factor = (float) llama3.factor();
    float low = (float) llama3.lowFreqFactor();
    float high = (float) llama3.highFreqFactor();
    double old = llama3.originalMaxPositions();
    double lowWavelen = old / llama3.lowFreqFactor();
    double highWavelen = old / llama3.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      float f = inv[i];
      float wavelen = (float) (2 * Math.PI) / f;
      float scaled = wavelen > lowWavelen ? f / factor : f;
      float smooth = ((float) old / wavelen - low) / (high - low);
      float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
      boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
      inv[i] = medium ? smoothed : scaled;
    }
    return inv;
  }
}
