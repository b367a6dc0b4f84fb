package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * How linear a code is: the coefficient of determination {@code R^2} of ordinary least-squares
 * fits with an intercept (Commons Math). Used to ask whether projected IDs line up with the true
 * column, row or frame index (METHOD.md sections 2 and 6).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Linearity {
  private Linearity() {}

  /**
   * {@code R^2} of the fit {@code y ~ a + b x}: the squared Pearson correlation of {@code x} and
   * {@code y}. NaN when either is constant.
   *
   * @throws IllegalArgumentException when the lengths differ or there are fewer than 3 points
   */
  public static double rSquared(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    }
    if (x.length < 3) {
      throw new IllegalArgumentException("R^2 needs at least 3 points, got " + x.length);
    }
    SimpleRegression r = new SimpleRegression(true);
    for (int i = 0; i < x.length; i++) {
      r.addData(x[i], y[i]);
    }
    return r.getRSquare();
  }

  /**
   * {@code R^2} of the fit {@code y ~ a + X b} with one row of {@code predictors} per point. NaN
   * when {@code y} is constant or the predictors are collinear.
   *
   * @throws IllegalArgumentException when the lengths differ or there are not more points than
   *     predictors plus one
   */
  public static double rSquared(double[][] predictors, double[] y) {
    if (predictors.length != y.length) {
      throw new IllegalArgumentException(predictors.length + " predictor rows but " + y.length + " y values");
    }
    if (predictors.length == 0 || y.length <= predictors[0].length + 1) {
      throw new IllegalArgumentException(
          "R^2 of " + (predictors.length == 0 ? 0 : predictors[0].length) + " predictor(s) needs more than "
              + (predictors.length == 0 ? 1 : predictors[0].length + 1) + " points, got " + y.length);
    }
    if (predictors[0].length == 1) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = predictors[i][0];
      }
      return rSquared(x, y);
    }
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, predictors);
    try {
      return ols.calculateRSquared();
    } catch (SingularMatrixException e) {
      return Double.NaN;
    }
  }
}
