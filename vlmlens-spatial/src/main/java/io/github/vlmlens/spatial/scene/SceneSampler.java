package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Draws random scenes from one part of a {@link SceneSplit}, for training and evaluation.
 *
 * <p>Each draw takes, from the caller's {@link Random} and in this order: an object pair of the
 * part ({@code nextInt}), which of the two is A ({@code nextBoolean}), a placement of the part
 * ({@code nextInt}), a size ({@code nextInt}), then, unless offsets are centred, A's and B's
 * offsets ({@link Placement#withRandomOffsets}), then, with random colours, A's colour
 * ({@code nextInt(6)}) and B's among the other five ({@code nextInt(5)}). The same seed therefore
 * gives the same scenes everywhere. Instances are immutable; {@code with...} returns a copy.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SceneSampler {
  private final SceneSplit split;
  private final SceneSplit.Part part;
  private final boolean randomColors;
  private final boolean centred;
  private final List<List<String>> pairs;
  private final Map<QuestionAxis, List<List<GridCell>>> placements;

  private SceneSampler(
      SceneSplit split, SceneSplit.Part part, boolean randomColors, boolean centred,
      List<List<String>> pairs, Map<QuestionAxis, List<List<GridCell>>> placements) {
    this.split = split;
    this.part = part;
    this.randomColors = randomColors;
    this.centred = centred;
    this.pairs = pairs;
    this.placements = placements;
  }

  static SceneSampler create(SceneSplit split, SceneSplit.Part part) {
    Objects.requireNonNull(part, "part");
    List<List<String>> pairs = split.pairsOf(part);
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException(
          "part " + part + " of " + split + " has no object pairs");
    }
    if (split.placementsOf(part).isEmpty()) {
      throw new IllegalArgumentException(
          "part " + part + " of " + split + " has no placements");
    }
    Map<QuestionAxis, List<List<GridCell>>> byAxis = new EnumMap<>(QuestionAxis.class);
    for (QuestionAxis axis : QuestionAxis.values()) {
      List<List<GridCell>> ok = new ArrayList<>();
      for (List<GridCell> c : split.placementsOf(part)) {
        boolean defined =
            axis == QuestionAxis.HORIZONTAL ? c.get(0).column() != c.get(1).column()
                : axis != QuestionAxis.VERTICAL || c.get(0).row() != c.get(1).row();
        if (defined) {
          ok.add(c);
        }
      }
      byAxis.put(axis, ImmutableList.copyOf(ok));
    }
    return new SceneSampler(split, part, false, false, pairs, byAxis);
  }

  /** The same sampler painting objects in random palette colours (A's and B's differ). */
  public SceneSampler withRandomColors(boolean random) {
    return new SceneSampler(split, part, random, centred, pairs, placements);
  }

  /** The same sampler centring objects in their cells instead of drawing offsets. */
  public SceneSampler withCentredOffsets(boolean centre) {
    return new SceneSampler(split, part, randomColors, centre, pairs, placements);
  }

  /** The split sampled from. */
  public SceneSplit split() {
    return split;
  }

  /** The part sampled from. */
  public SceneSplit.Part part() {
    return part;
  }

  /** A scene of the part (any placement, whatever the questions' answers). */
  public Placement next(Random random) {
    return next(random, QuestionAxis.NONE);
  }

  /**
   * A scene of the part on which a question on {@code definedFor} has a correct answer
   * (different columns for {@link QuestionAxis#HORIZONTAL}, different rows for
   * {@link QuestionAxis#VERTICAL}; any scene for the others).
   *
   * @throws IllegalStateException when the part has no such placement
   */
  public Placement next(Random random, QuestionAxis definedFor) {
    Objects.requireNonNull(random, "random");
    List<List<GridCell>> cells = placements.get(Objects.requireNonNull(definedFor, "definedFor"));
    if (cells.isEmpty()) {
      throw new IllegalStateException(
          "part " + part + " of " + split + " has no placement defined for " + definedFor);
    }
    List<String> pair = pairs.get(random.nextInt(pairs.size()));
    boolean swap = random.nextBoolean();
    ObjectLibrary lib = split.library();
    SceneObject a = lib.get(pair.get(swap ? 1 : 0));
    SceneObject b = lib.get(pair.get(swap ? 0 : 1));
    List<GridCell> c = cells.get(random.nextInt(cells.size()));
    GridSpec grid = split.grid();
    Placement p = Placement.of(grid, a, c.get(0), b, c.get(1), random.nextInt(grid.sizeCount()));
    if (!centred) {
      p = p.withRandomOffsets(random);
    }
    if (randomColors) {
      PaletteColor[] all = PaletteColor.values();
      int ca = random.nextInt(all.length);
      int cb = random.nextInt(all.length - 1);
      if (cb >= ca) {
        cb++;
      }
      p = p.withColors(all[ca], all[cb]);
    }
    return p;
  }

  /**
   * {@code count} scenes defined for {@code definedFor}, drawn with {@code new Random(seed)}.
   */
  public List<Placement> sample(long seed, int count, QuestionAxis definedFor) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    Random random = new Random(seed);
    ImmutableList.Builder<Placement> out = ImmutableList.builder();
    for (int i = 0; i < count; i++) {
      out.add(next(random, definedFor));
    }
    return out.build();
  }

  @Override
  public String toString() {
    return "SceneSampler[" + part + " of " + split + (randomColors ? ", random colours" : "")
        + (centred ? ", centred" : "") + "]";
  }
}
