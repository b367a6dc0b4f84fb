package io.github.vlmlens.hooks.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW} computes it (decoupled weight decay, bias-corrected
 * moments), with its state in plain arrays so that a checkpoint can save it and a resumed run
 * continue bit for bit. The moments live in the parameters' manager; each update's temporaries in
 * the caller's step manager.
 */
public final class AdamW {
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;

  /** Zero moments for every parameter of {@code params}. */
  public AdamW(Map<String, NDArray> params, double beta1, double beta2, double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (var e : params.entrySet()) {
      NDArray p = e.getValue();
      expAvg.put(e.getKey(), p.getManager().zeros(p.getShape(), p.getDataType()));
      expAvgSq.put(e.getKey(), p.getManager().zeros(p.getShape(), p.getDataType()));
    }
  }

  /**
   * Updates {@code param} in place with gradient {@code grad} at step {@code t} (1-based).
   *
   * @param sm the manager of the step's temporaries
   */
  public void update(String name, NDArray param, NDArray grad, double lr, int t, NDManager sm) {
    NDArray m = expAvg.get(name);
    NDArray v = expAvgSq.get(name);
    // m = b1 m + (1 - b1) g ; v = b2 v + (1 - b2) g^2
    m.muli(beta1).addi(grad.mul(1 - beta1));
    v.muli(beta2).addi(grad.square().mul(1 - beta2));
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    if (weightDecay != 0) {
      param.muli(1 - lr * weightDecay);
    }
    // p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
    // temporaries of arrays in the parameters' manager land there: move each to the step's manager
    NDArray root = v.sqrt();
    root.attach(sm);
    NDArray denom = root.div(Math.sqrt(bc2)).add(epsilon);
    NDArray ratio = m.div(denom);
    ratio.attach(sm);
    param.subi(ratio.mul(lr / bc1));
  }

  /** The state, by {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} (the live arrays). */
  public Map<String, NDArray> state() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    expAvg.forEach((k, a) -> out.put("exp_avg." + k, a));
    expAvgSq.forEach((k, a) -> out.put("exp_avg_sq." + k, a));
    return out;
  }

  /** Overwrites the moments from {@link #state()}'s form (values copied in place). */
  public void restore(Map<String, NDArray> state) {
    for (var e : expAvg.entrySet()) {
      copyInto(state, "exp_avg." + e.getKey(), e.getValue());
    }
    for (var e : expAvgSq.entrySet()) {
      copyInto(state, "exp_avg_sq." + e.getKey(), e.getValue());
    }
  }

  private static void copyInto(Map<String, NDArray> state, String key, NDArray into) {
    NDArray from = state.get(key);
    if (from == null) {
      throw new IllegalArgumentException("the optimiser state has no '" + key + "'");
    }
    if (!from.getShape().equals(into.getShape())) {
      throw new IllegalArgumentException(
          "the optimiser state's '" + key + "' has shape " + from.getShape() + ", the parameter " + into.getShape());
    }
    from.copyTo(into);
  }

  /** Frees the moments. */
  public void close() {
    expAvg.values().forEach(NDArray::close);
    expAvgSq.values().forEach(NDArray::close);
  }
}
