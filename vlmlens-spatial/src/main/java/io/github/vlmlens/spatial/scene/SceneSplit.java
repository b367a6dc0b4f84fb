package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.scene.internal.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic split of scenes into training and held-out parts: some unordered object PAIRS
 * are held out, and some PLACEMENTS (ordered pairs of A's cell and B's cell) are held out.
 *
 * <p>The split is a function of the seed, the library's object NAMES (their order does not
 * matter), the grid size {@code m} and the two fractions, so a training program and a test that
 * use the same arguments agree on it. Algorithm: the unordered name pairs, sorted, are shuffled
 * (Fisher-Yates, {@code java.util.Random} seeded from the seed) and taken in that order as held
 * out while fewer than {@code round(fraction * pairs)} are and both objects keep at least one
 * training pair; the ordered cell pairs, row-major, are handled the same way with an independent
 * stream, keeping every cell in at least one training placement as A's and as B's cell.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SceneSplit {
  /** The default fraction of object pairs held out. */
  public static final double DEFAULT_HELD_OUT_PAIRS = 0.2;
  /** The default fraction of placements held out. */
  public static final double DEFAULT_HELD_OUT_PLACEMENTS = 0.1;

  /** The four parts every placement falls into, exactly one each. */
  public enum Part {
    /** A training pair in a training placement. */
    TRAIN,
    /** A held-out pair in a training placement. */
    HELD_OUT_PAIRS,
    /** A training pair in a held-out placement. */
    HELD_OUT_PLACEMENTS,
    /** A held-out pair in a held-out placement. */
    HELD_OUT_BOTH
  }

  private final ObjectLibrary library;
  private final GridSpec grid;
  private final long seed;
  private final ImmutableList<List<String>> trainPairs;
  private final ImmutableList<List<String>> heldPairs;
  private final ImmutableList<List<GridCell>> trainPlacements;
  private final ImmutableList<List<GridCell>> heldPlacements;
  private final Set<List<String>> heldPairSet;
  private final Set<List<GridCell>> heldPlacementSet;

  private SceneSplit(
      ObjectLibrary library, GridSpec grid, long seed, double pairFraction,
      double placementFraction) {
    this.library = library;
    this.grid = grid;
    this.seed = seed;

    List<String> names = new ArrayList<>(library.names());
    names.sort(null);
    List<List<String>> pairs = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      for (int j = i + 1; j < names.size(); j++) {
        pairs.add(List.of(names.get(i), names.get(j)));
      }
    }
    Set<List<String>> heldP = holdOut(pairs, pairFraction, Seeds.stream(seed, 1), false);
    this.heldPairSet = ImmutableSet.copyOf(heldP);
    this.trainPairs = keep(pairs, heldP, false);
    this.heldPairs = keep(pairs, heldP, true);

    List<List<GridCell>> placements = new ArrayList<>();
    for (GridCell a : grid.cells()) {
      for (GridCell b : grid.cells()) {
        if (!a.equals(b)) {
          placements.add(List.of(a, b));
        }
      }
    }
    Set<List<GridCell>> heldC = holdOut(placements, placementFraction, Seeds.stream(seed, 2), true);
    this.heldPlacementSet = ImmutableSet.copyOf(heldC);
    this.trainPlacements = keep(placements, heldC, false);
    this.heldPlacements = keep(placements, heldC, true);
  }

  /**
   * Chooses the held-out items. For ordered items (cell pairs) the first and second element are
   * counted separately, so every value keeps a training item in each role.
   */
  private static <T> Set<List<T>> holdOut(
      List<List<T>> items, double fraction, Random random, boolean ordered) {
    int target = (int) Math.round(fraction * items.size());
    List<List<T>> order = new ArrayList<>(items);
    Seeds.shuffle(order, random);
    Map<String, Integer> training = new HashMap<>();
    for (List<T> it : items) {
      training.merge(key(it, 0, ordered), 1, Integer::sum);
      training.merge(key(it, 1, ordered), 1, Integer::sum);
    }
    Set<List<T>> held = new HashSet<>();
    for (List<T> it : order) {
      if (held.size() >= target) {
        break;
      }
      String k0 = key(it, 0, ordered);
      String k1 = key(it, 1, ordered);
      if (training.get(k0) > 1 && training.get(k1) > 1) {
        training.merge(k0, -1, Integer::sum);
        training.merge(k1, -1, Integer::sum);
        held.add(it);
      }
    }
    return held;
  }

  private static String key(List<?> item, int i, boolean ordered) {
    return (ordered ? i + ":" : "") + item.get(i);
  }

  private static <T> ImmutableList<List<T>> keep(
      List<List<T>> items, Set<List<T>> held, boolean heldOut) {
    ImmutableList.Builder<List<T>> out = ImmutableList.builder();
    for (List<T> it : items) {
      if (held.contains(it) == heldOut) {
        out.add(it);
      }
    }
    return out.build();
  }

  /**
   * The split with {@link #DEFAULT_HELD_OUT_PAIRS} and {@link #DEFAULT_HELD_OUT_PLACEMENTS}.
   */
  public static SceneSplit of(ObjectLibrary library, GridSpec grid, long seed) {
    return of(library, grid, seed, DEFAULT_HELD_OUT_PAIRS, DEFAULT_HELD_OUT_PLACEMENTS);
  }

  /**
   * The split of {@code library}'s object pairs and {@code grid}'s placements for {@code seed}.
   * The held-out counts are {@code round(fraction * total)}, fewer only where holding out more
   * would leave an object or a cell with no training scene.
   *
   * @throws IllegalArgumentException when the library has fewer than 2 objects or a fraction is
   *     outside {@code [0, 1)}
   */
  public static SceneSplit of(
      ObjectLibrary library, GridSpec grid, long seed, double heldOutPairFraction,
      double heldOutPlacementFraction) {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(grid, "grid");
    if (library.size() < 2) {
      throw new IllegalArgumentException(
          "a split needs at least 2 objects, the library has " + library.names());
    }
    checkFraction(heldOutPairFraction, "held-out pair fraction");
    checkFraction(heldOutPlacementFraction, "held-out placement fraction");
    return new SceneSplit(library, grid, seed, heldOutPairFraction, heldOutPlacementFraction);
  }

  private static void checkFraction(double f, String what) {
    if (!(f >= 0 && f < 1)) {
      throw new IllegalArgumentException(what + " must lie in [0, 1), got " + f);
    }
  }

  /** The objects. */
  public ObjectLibrary library() {
    return library;
  }

  /** The grid. */
  public GridSpec grid() {
    return grid;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The training object pairs, each as its two names in alphabetical order, sorted. */
  public List<List<String>> trainingPairs() {
    return trainPairs;
  }

  /** The held-out object pairs, each as its two names in alphabetical order, sorted. */
  public List<List<String>> heldOutPairs() {
    return heldPairs;
  }

  /** The training placements as {@code [A's cell, B's cell]}, row-major by A then B. */
  public List<List<GridCell>> trainingPlacements() {
    return trainPlacements;
  }

  /** The held-out placements as {@code [A's cell, B's cell]}, row-major by A then B. */
  public List<List<GridCell>> heldOutPlacements() {
    return heldPlacements;
  }

  /** Whether the pair of objects named {@code x} and {@code y} (either order) is held out. */
  public boolean isHeldOutPair(String x, String y) {
    return heldPairSet.contains(x.compareTo(y) <= 0 ? List.of(x, y) : List.of(y, x));
  }

  /** Whether A in {@code aCell} with B in {@code bCell} is a held-out placement. */
  public boolean isHeldOutPlacement(GridCell aCell, GridCell bCell) {
    return heldPlacementSet.contains(List.of(aCell, bCell));
  }

  /**
   * The part {@code p} falls into.
   *
   * @throws IllegalArgumentException when its grid size differs from the split's or an object is
   *     not in the library
   */
  public Part partOf(Placement p) {
    if (p.grid().gridSize() != grid.gridSize()) {
      throw new IllegalArgumentException(
          "placement on a " + p.grid().gridSize() + " x " + p.grid().gridSize()
              + " grid, split made for " + grid.gridSize() + " x " + grid.gridSize());
    }
    library.get(p.a().word());
    library.get(p.b().word());
    boolean pair = isHeldOutPair(p.a().word(), p.b().word());
    boolean cells = isHeldOutPlacement(p.a().cell(), p.b().cell());
    return pair ? (cells ? Part.HELD_OUT_BOTH : Part.HELD_OUT_PAIRS)
        : (cells ? Part.HELD_OUT_PLACEMENTS : Part.TRAIN);
  }

  /**
   * A sampler of the scenes of {@code part}.
   *
   * @throws IllegalArgumentException when the part has no object pairs or no placements (a
   *     held-out fraction of 0)
   */
  public SceneSampler sampler(Part part) {
    return SceneSampler.create(this, part);
  }

  List<List<String>> pairsOf(Part part) {
    return part == Part.TRAIN || part == Part.HELD_OUT_PLACEMENTS ? trainPairs : heldPairs;
  }

  List<List<GridCell>> placementsOf(Part part) {
    return part == Part.TRAIN || part == Part.HELD_OUT_PAIRS ? trainPlacements : heldPlacements;
  }

  @Override
  public String toString() {
    return "SceneSplit[seed " + seed + ", " + heldPairs.size() + "/"
        + (heldPairs.size() + trainPairs.size()) + " pairs and " + heldPlacements.size() + "/"
        + (heldPlacements.size() + trainPlacements.size()) + " placements held out]";
  }
}
