package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShiftFormulaTest {
  @Test
  void probabilityFormulaByHand() {
    double lx = Math.log(0.8);
    double lt = Math.log(0.5);
    double ly = Math.log(0.2);
    // (0.8 - 0.5) / (0.8 - 0.2)
    assertEquals(0.5, ShiftFormula.PROBABILITY.shift(lx, lt, ly), 1e-12);
    assertEquals(0.6, ShiftFormula.PROBABILITY.denominator(lx, ly), 1e-12);
    assertEquals(1.0, ShiftFormula.PROBABILITY.shift(lx, ly, ly), 1e-12);
    assertEquals(0.0, ShiftFormula.PROBABILITY.shift(lx, lx, ly), 0);
  }

  @Test
  void logFormulaByHand() {
    double lx = Math.log(0.8);
    double lt = Math.log(0.5);
    double ly = Math.log(0.2);
    // ln(0.8 / 0.5) / ln(0.8 / 0.2) = ln 1.6 / ln 4
    assertEquals(Math.log(1.6) / Math.log(4), ShiftFormula.LOG_PROBABILITY.shift(lx, lt, ly), 1e-12);
    assertEquals(Math.log(4), ShiftFormula.LOG_PROBABILITY.denominator(lx, ly), 1e-12);
  }
}
