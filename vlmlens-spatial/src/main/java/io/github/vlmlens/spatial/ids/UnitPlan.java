package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.Placement;
import java.util.List;

/**
 * One unit of extraction work: an object pair with A fixed in one cell, B in every other cell at
 * every size, in {@link Placement#enumerateForCell} order (B's cell row-major, then size).
 *
 * @param index the unit's position in the run (pair-major, then A's cell row-major)
 * @param pairIndex the pair's position in the config
 * @param pair the pair
 * @param aCell A's cell
 * @param placements the placements
 */
record UnitPlan(int index, int pairIndex, ObjectPair pair, GridCell aCell, List<Placement> placements) {
  /** Copies the list. */
  public UnitPlan {
    placements = List.copyOf(placements);
  }
}
