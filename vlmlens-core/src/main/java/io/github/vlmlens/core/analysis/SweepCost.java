package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;

/**
 * What one sample's sweep costs (on average over a group of samples swept together) against the naive plan of one full forward per layer and swap
 * set. Times are medians over repeats, in milliseconds of wall-clock time.
 *
 * @param model the model's name
 * @param layers the number of layers swept
 * @param swapSets the number of swap sets swept
 * @param requests the number of requests the sweep sent: two full runs plus one resumed run per
 *     layer and swap set whose patch changes something, per sample (the total over the samples
 *     measured divided by their number, rounded)
 * @param batchSize the batch size used for both measurements
 * @param repeats the number of timed repeats
 * @param forwardMillis the time of one plain forward of {@code x}, per input, in batches of
 *     {@code batchSize}
 * @param sweepMillis the time of the whole sweep per sample (the sweep of all the samples measured,
 *     divided by their number)
 * @param ratio {@code sweepMillis / (layers * swapSets * forwardMillis)}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SweepCost(
    String model,
    int layers,
    int swapSets,
    int requests,
    int batchSize,
    int repeats,
    double forwardMillis,
    double sweepMillis,
    double ratio) {}
