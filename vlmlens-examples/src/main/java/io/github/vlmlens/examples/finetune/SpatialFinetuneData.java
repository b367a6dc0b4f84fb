package io.github.vlmlens.examples.finetune;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.hooks.train.TrainingData;
import io.github.vlmlens.hooks.train.TrainingExample;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.PaletteColor;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneObject;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The paper's fine-tuning batches on the synthetic grid (METHOD.md section 5): every batch shares
 * one object pair and A's cell, drawn from the training part of a {@link SceneSplit}; B goes to
 * training placements with that A cell, at a random size and offset, in random colours; the
 * questions alternate between the given axes ("Is the {B} to the left or right of the {A}?", "Is
 * the {B} above or below the {A}?"). Each sample's answer is the correct word, and its one anchor
 * is B's word with the target ID of B's cell ({@link SpatialIds#id(int, GridCell)} at the loss's
 * layer), all B words of the batch in one centring group.
 *
 * <p>A batch is a pure function of (seed, step), so both arms of a comparison and a resumed run see
 * the same batches in the same order.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class SpatialFinetuneData implements TrainingData {
  private final SceneSplit split;
  private final PromptFormat format;
  private final SpatialIds ids;
  private final int layer;
  private final int batchSize;
  private final long seed;
  private final List<QuestionAxis> axes;

  /**
   * @param ids the target IDs (null: batches without anchors)
   * @param layer the layer of the IDs used as targets
   */
  public SpatialFinetuneData(
      SceneSplit split, PromptFormat format, SpatialIds ids, int layer, int batchSize, long seed,
      List<QuestionAxis> axes) {
    this.split = Objects.requireNonNull(split, "split");
    this.format = Objects.requireNonNull(format, "format");
    this.ids = ids;
    this.layer = layer;
    this.batchSize = batchSize;
    this.seed = seed;
    this.axes = List.copyOf(axes);
    if (batchSize < 2) {
      throw new IllegalArgumentException("batches need at least 2 samples (the IDs are centred over a batch)");
    }
    for (QuestionAxis a : this.axes) {
      if (a != QuestionAxis.HORIZONTAL && a != QuestionAxis.VERTICAL) {
        throw new IllegalArgumentException("only horizontal and vertical questions are supported, got " + a);
      }
    }
    if (ids != null) {
      if (!ids.hasLayer(layer)) {
        throw new IllegalArgumentException("the IDs hold layers " + ids.layers() + ", not " + layer);
      }
      if (ids.grid().gridSize() != split.grid().gridSize()) {
        throw new IllegalArgumentException(
            "the IDs are on a " + ids.grid().gridSize() + "x" + ids.grid().gridSize() + " grid, the scenes on "
                + split.grid().gridSize() + "x" + split.grid().gridSize());
      }
    }
  }

  /** The scenes and questions of a step's batch (what {@link #batch} turns into samples). */
  public List<Placement> placements(int step) {
    List<Placement> out = new ArrayList<>();
    sample(step, out, null);
    return out;
  }

  @Override
  public List<TrainingExample> batch(int step) {
    List<TrainingExample> out = new ArrayList<>();
    sample(step, null, out);
    return out;
  }

  private void sample(int step, List<Placement> placements, List<TrainingExample> examples) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 17);
    ObjectLibrary lib = split.library();
    List<List<String>> pairs = split.trainingPairs();
    List<String> pair = pairs.get(r.nextInt(pairs.size()));
    boolean swap = r.nextBoolean();
    SceneObject a = lib.get(pair.get(swap ? 1 : 0));
    SceneObject b = lib.get(pair.get(swap ? 0 : 1));
    List<List<GridCell>> all = split.trainingPlacements();
    GridCell aCell = all.get(r.nextInt(all.size())).get(0);
    List<GridCell> bCells = new ArrayList<>();
    for (List<GridCell> c : all) {
      if (c.get(0).equals(aCell)) {
        bCells.add(c.get(1));
      }
    }
    for (int i = 0; i < batchSize; i++) {
      QuestionAxis axis = axes.get(i % axes.size());
      List<GridCell> ok = defined(bCells, aCell, axis);
      if (ok.isEmpty()) {
        axis = axis == QuestionAxis.HORIZONTAL ? QuestionAxis.VERTICAL : QuestionAxis.HORIZONTAL;
        ok = defined(bCells, aCell, axis);
      }
      GridCell bCell = ok.get(r.nextInt(ok.size()));
      Placement p = Placement.of(split.grid(), a, aCell, b, bCell, r.nextInt(split.grid().sizeCount()))
          .withRandomOffsets(r);
      PaletteColor[] colours = PaletteColor.values();
      int ca = r.nextInt(colours.length);
      int cb = r.nextInt(colours.length - 1);
      if (cb >= ca) {
        cb++;
      }
      p = p.withColors(colours[ca], colours[cb]);
      SpatialQuestion q = SpatialQuestion.of(axis, p, r);
      if (placements != null) {
        placements.add(p);
      }
      if (examples != null) {
        List<TrainingExample.Anchor> anchors =
            ids == null ? List.of() : List.of(new TrainingExample.Anchor(q.subject(), ids.id(layer, bCell), "B"));
        examples.add(new TrainingExample(format.input(p.render(), q.text()), q.correctAnswer().orElseThrow(), anchors));
      }
    }
  }

  private static List<GridCell> defined(List<GridCell> bCells, GridCell aCell, QuestionAxis axis) {
    List<GridCell> ok = new ArrayList<>();
    for (GridCell c : bCells) {
      if (axis == QuestionAxis.HORIZONTAL ? c.column() != aCell.column() : c.row() != aCell.row()) {
        ok.add(c);
      }
    }
    return ok;
  }
}
