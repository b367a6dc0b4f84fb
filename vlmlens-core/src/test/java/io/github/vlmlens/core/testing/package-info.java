/**
 * Test fixtures published in vlmlens-core's test jar: {@link io.github.vlmlens.core.testing.ReferenceVlm},
 * one in-memory {@link io.github.vlmlens.core.HookedVlm} that the analytic fakes of core, spatial
 * and temporal configure with their own embedding, blocks and readout.
 */
package io.github.vlmlens.core.testing;
