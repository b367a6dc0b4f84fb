package io.github.vlmlens.spatial.ids;

/**
 * The activations of one unit at B's object word: {@code spatial[k][l]} is placement {@code k}'s
 * vector at the {@code l}-th layer read, under the spatial question; {@code plain} the same under
 * the plain prompt, or {@code null}.
 *
 * @param spatial the spatial-prompt vectors
 * @param plain the plain-prompt vectors, or {@code null}
 */
record UnitData(float[][][] spatial, float[][][] plain) {}
