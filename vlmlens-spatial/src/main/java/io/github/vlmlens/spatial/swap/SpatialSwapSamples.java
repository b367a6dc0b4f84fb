package io.github.vlmlens.spatial.swap;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.spatial.scene.ImageTransforms;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Builds {@link SwapSample}s from scenes: {@code x} is the rendered scene with the question in the
 * model's prompt format, {@code y} the same question on the counterfactual image, which flips the
 * answer:
 *
 * <ul>
 *   <li>left/right questions: the image mirrored left-right;
 *   <li>above/below questions: the image mirrored top-bottom;
 *   <li>colour questions (the attribute-swap control): the image hue-rotated by 180 degrees, which
 *       maps each palette colour to its partner.
 * </ul>
 *
 * <p>The object words are the question's ({@code B} then {@code A} for spatial questions, {@code A}
 * for colour ones). The answer words the model is read at are the question's lowercase answers
 * passed through the answer form: by default {@link #capitalised()} ({@code "Left"}, as LLaVA
 * answers), or {@link #asIs()} for a model that answers in lower case. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SpatialSwapSamples {
  private final PromptFormat format;
  private final UnaryOperator<String> answerForm;

  private SpatialSwapSamples(PromptFormat format, UnaryOperator<String> answerForm) {
    this.format = format;
    this.answerForm = answerForm;
  }

  /** Samples in {@code format} with capitalised answer words. */
  public static SpatialSwapSamples of(PromptFormat format) {
    return new SpatialSwapSamples(Objects.requireNonNull(format, "format"), capitalised());
  }

  /**
   * The same builder mapping each lowercase answer word ({@code "left"}, {@code "red"}) to the
   * exact single-token string the model is read at.
   */
  public SpatialSwapSamples withAnswerForm(UnaryOperator<String> form) {
    return new SpatialSwapSamples(format, Objects.requireNonNull(form, "form"));
  }

  /** The answer form that capitalises the first letter: {@code "left"} to {@code "Left"}. */
  public static UnaryOperator<String> capitalised() {
    return w -> w.isEmpty() ? w : w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
  }

  /** The answer form that keeps the words as the questions give them (lower case). */
  public static UnaryOperator<String> asIs() {
    return w -> w;
  }

  /**
   * A sample for a question about a placement: the counterfactual follows the question's axis.
   *
   * @throws IllegalArgumentException when the question has no correct answer (the objects share
   *     the column or row asked about), is a plain question (no counterfactual), or the answer
   *     form maps both answers to the same word
   */
  public SwapSample sample(String id, Placement placement, SpatialQuestion question) {
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(question, "question");
    if (question.axis() == QuestionAxis.NONE) {
      throw new IllegalArgumentException(
          "sample '" + id + "': the plain question \"" + question.text()
              + "\" has no counterfactual to swap in");
    }
    if (!question.isDefined()) {
      throw new IllegalArgumentException(
          "sample '" + id + "': \"" + question.text() + "\" has no correct answer for " + placement
              + " (the objects share the " + (question.axis() == QuestionAxis.HORIZONTAL ? "column" : "row")
              + "); sample placements defined for " + question.axis());
    }
    RgbImage image = placement.render();
    VlmInput x = format.input(image, question.text());
    VlmInput y = x.withImages(List.of(counterfactual(image, question.axis())));
    String gt = answerForm.apply(question.correctAnswer().orElseThrow());
    String other = answerForm.apply(question.wrongAnswer().orElseThrow());
    return SwapSample.of(id, x, y, gt, other, question.objectWords());
  }

  /**
   * A mirror-swap sample: "Is the {B} to the left or right of the {A}?" with the image mirrored
   * left-right ({@link QuestionAxis#HORIZONTAL}), or "Is the {B} above or below the {A}?" with
   * it mirrored top-bottom ({@link QuestionAxis#VERTICAL}).
   *
   * @throws IllegalArgumentException for another axis or a placement where the question has no
   *     correct answer
   */
  public SwapSample mirror(String id, Placement placement, QuestionAxis axis) {
    if (axis != QuestionAxis.HORIZONTAL && axis != QuestionAxis.VERTICAL) {
      throw new IllegalArgumentException(
          "a mirror swap asks a HORIZONTAL or VERTICAL question, not " + axis);
    }
    SpatialQuestion q =
        axis == QuestionAxis.HORIZONTAL ? SpatialQuestion.leftRight(placement) : SpatialQuestion.aboveBelow(placement);
    return sample(id, placement, q);
  }

  /**
   * An attribute-swap sample: "What color is the {A}, {c1} or {c2}?" with the image hue-rotated
   * by 180 degrees; A's colour is offered first when {@code correctFirst}.
   */
  public SwapSample attribute(String id, Placement placement, boolean correctFirst) {
    return sample(id, placement, SpatialQuestion.color(placement, correctFirst));
  }

  /**
   * Mirror-swap samples for every placement, with ids {@code "horizontal-0000"},
   * {@code "horizontal-0001"}, ... (or {@code "vertical-..."}).
   *
   * @throws IllegalArgumentException naming the index of a placement where the question has no
   *     correct answer (draw placements defined for the axis, for example with
   *     {@code SceneSampler.sample(seed, count, axis)})
   */
  public List<SwapSample> mirrors(List<Placement> placements, QuestionAxis axis) {
    List<SwapSample> out = new ArrayList<>(placements.size());
    for (int i = 0; i < placements.size(); i++) {
      out.add(mirror(id(axis, i), placements.get(i), axis));
    }
    return out;
  }

  /**
   * Attribute-swap samples for every placement, with ids {@code "color-0000"}, ...; whether A's
   * colour is offered first is drawn by {@code new Random(seed).nextBoolean()}, one draw per
   * placement in order.
   */
  public List<SwapSample> attributes(List<Placement> placements, long seed) {
    Random random = new Random(seed);
    List<SwapSample> out = new ArrayList<>(placements.size());
    for (int i = 0; i < placements.size(); i++) {
      out.add(attribute(id(QuestionAxis.COLOR, i), placements.get(i), random.nextBoolean()));
    }
    return out;
  }

  /**
   * A config builder named for the experiment: {@code "mirror swap"} with all four swap sets, or,
   * for {@link QuestionAxis#COLOR}, {@code "attribute swap"}.
   */
  public static SwapConfig.Builder configFor(QuestionAxis axis) {
    String name = axis == QuestionAxis.COLOR ? "attribute swap" : "mirror swap ("
        + axis.name().toLowerCase(Locale.ROOT) + ")";
    return SwapConfig.builder().name(name).swapSets(SwapSet.values());
  }

  /** The counterfactual image that flips the answer of a question on {@code axis}. */
  public static RgbImage counterfactual(RgbImage image, QuestionAxis axis) {
    switch (axis) {
      case HORIZONTAL:
        return ImageTransforms.mirrorLeftRight(image);
      case VERTICAL:
        return ImageTransforms.mirrorTopBottom(image);
      case COLOR:
        return ImageTransforms.rotateHue(image, 180);
      default:
        throw new IllegalArgumentException("a plain question (axis NONE) has no counterfactual");
    }
  }

  private static String id(QuestionAxis axis, int i) {
    return String.format(Locale.ROOT, "%s-%04d", axis.name().toLowerCase(Locale.ROOT), i);
  }
}
