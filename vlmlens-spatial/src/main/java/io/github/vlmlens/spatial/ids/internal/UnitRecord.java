package io.github.vlmlens.spatial.ids.internal;

/**
 * The journal line of a finished unit: what it was, a fingerprint of its inputs, and where its
 * activations lie.
 *
 * @param index the unit's position in the run
 * @param a the reference object
 * @param b the asked-about object
 * @param aRow A's row
 * @param aColumn A's column
 * @param placements the number of placements (runs per prompt type)
 * @param plain whether plain-prompt activations follow the spatial ones
 * @param fingerprint a hash of the prompts and images
 * @param file the activation file's name, relative to the run directory
 * @param crc the CRC-32 of the activation file
 */
public record UnitRecord(
    int index, String a, String b, int aRow, int aColumn, int placements, boolean plain,
    String fingerprint, String file, long crc) {}
