package io.github.vlmlens.temporal.testing;

import java.util.Random;

/** Activations with a planted linear code in time (and columns) plus N(0, 1) noise, for held-out linearity tests. */
public final class PlantedCodes {
  /** Object pairs. */
  public static final int PAIRS = 4;
  /** Frames per video. */
  public static final int FRAMES = 6;
  /** Width of the activations. */
  public static final int WIDTH = 128;

  private PlantedCodes() {}

  /** Samples: pair x anchor x (column x frame, frame != anchor); N(0, 1) plus signal * (column, frame). */
  public record Design(double[][] acts, int[] pair, int[] anchor, int[] label) {
    public static Design of(int columns, double signal, long seed) {
      Random r = new Random(seed);
      int n = PAIRS * FRAMES * (FRAMES - 1) * columns;
      Design d = new Design(new double[n][], new int[n], new int[n], new int[n]);
      int i = 0;
      for (int p = 0; p < PAIRS; p++) {
        for (int a = 0; a < FRAMES; a++) {
          for (int c = 0; c < columns; c++) {
            for (int f = 0; f < FRAMES; f++) {
              if (f == a) {
                continue;
              }
              double[] x = new double[WIDTH];
              for (int k = 0; k < WIDTH; k++) {
                x[k] = r.nextGaussian();
              }
              x[0] += signal * f;
              x[1] += signal * c;
              d.acts[i] = x;
              d.pair[i] = p;
              d.anchor[i] = a;
              d.label[i] = c * FRAMES + f;
              i++;
            }
          }
        }
      }
      return d;
    }
  }

}
