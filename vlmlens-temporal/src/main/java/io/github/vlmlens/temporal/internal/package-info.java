/**
 * Machinery shared by the temporal analyses: building video inputs and checking that a model sees
 * every frame, batched and resumable activation captures, steering runs, and the XChart plots and
 * HTML pages of the reports. Not part of the public API.
 */
package io.github.vlmlens.temporal.internal;
