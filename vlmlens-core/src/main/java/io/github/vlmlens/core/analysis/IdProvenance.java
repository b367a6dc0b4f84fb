package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.ModelInfo;

/**
 * Which model a set of IDs (spatial or temporal) belongs to. IDs are directions in one model's
 * residual stream: added to another model of the same width they are noise that looks like a
 * result. So an ID file records the weights fingerprint of the model that extracted it
 * ({@link ModelInfo#fingerprint()}), and steering refuses IDs whose fingerprint is not the steered
 * model's, IDs that carry none (written before it was recorded), and models that report none,
 * unless the caller explicitly allows foreign IDs.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class IdProvenance {
  private IdProvenance() {}

  /**
   * Checks that IDs come from {@code vlm}.
   *
   * @param what the IDs, in words (for example "the spatial IDs in ids.vlids")
   * @param idsModel the name of the model the IDs were extracted from
   * @param idsFingerprint its weights fingerprint, or {@code null} / {@value ModelInfo#UNKNOWN}
   *     when the IDs carry none
   * @param vlm the model to steer
   * @param allowForeign whether to accept IDs of another or an unknown model anyway
   * @throws IllegalArgumentException naming both models and both fingerprints when the IDs are not
   *     shown to come from {@code vlm} and foreign IDs are not allowed
   */
  public static void requireSameModel(
      String what, String idsModel, String idsFingerprint, HookedVlm vlm, boolean allowForeign) {
    if (allowForeign) {
      return;
    }
    String ids = idsFingerprint == null || idsFingerprint.isBlank() ? ModelInfo.UNKNOWN : idsFingerprint;
    String model = vlm.info().fingerprint();
    String override = "; to use them anyway, allow foreign IDs (--allow-foreign-ids on the command line)";
    if (ModelInfo.UNKNOWN.equals(ids)) {
      throw new IllegalArgumentException(what + " (from model '" + idsModel + "') carry no weights fingerprint"
          + " (written before vlmlens recorded one), so they cannot be shown to come from model '" + vlm.name()
          + "' (weights fingerprint " + model + ")" + override);
    }
    if (ModelInfo.UNKNOWN.equals(model)) {
      throw new IllegalArgumentException(what + " come from model '" + idsModel + "' (weights fingerprint " + ids
          + ") but model '" + vlm.name() + "' reports no weights fingerprint, so they cannot be shown to be its"
          + override);
    }
    if (!ids.equals(model)) {
      throw new IllegalArgumentException(what + " were extracted from model '" + idsModel + "' (weights fingerprint "
          + ids + ") but model '" + vlm.name() + "' has weights fingerprint " + model
          + ": another model's IDs are not its directions" + override);
    }
  }
}
