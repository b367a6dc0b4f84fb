/**
 * Benchmarks of the hooked backend: {@link io.github.vlmlens.examples.bench.HookBenchmark} measures
 * what taps, captures and interventions cost on top of a plain forward pass, and whether native
 * memory stays flat over many runs.
 */
package io.github.vlmlens.examples.bench;
