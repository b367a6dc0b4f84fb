/** Implementation of the real-image analyses: readers, image framing and the experiment plans. */
package io.github.vlmlens.spatial.real.internal;
