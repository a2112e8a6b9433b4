package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters that share a base learning rate and a weight decay, as a PyTorch param group. The
 * schedule's factor multiplies the base rate at every step.
 *
 * @param name a description, for logs (for example {@code encoder.layer.3 decay})
 * @param learningRate the base learning rate
 * @param weightDecay the decoupled weight decay
 * @param parameters the arrays by name, updated in place
 */
public record ParameterGroup(String name, double learningRate, double weightDecay, Map<String, NDArray> parameters) {

    /** Copies the map, keeping its order. */
    public ParameterGroup {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
}
