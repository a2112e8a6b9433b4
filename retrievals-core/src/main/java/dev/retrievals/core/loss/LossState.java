package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link StatefulLoss}: named arrays (parameter values) and named numbers (the
 * step, the current margin, schedule settings …), ready to be written into a checkpoint (arrays as
 * safetensors, numbers as JSON) and read back. Immutable; the arrays belong to the manager they
 * were attached to when the snapshot was taken or read.
 */
public final class LossState {
    private final Map<String, NDArray> arrays;
    private final Map<String, Number> values;

    /**
     * A snapshot.
     *
     * @param arrays parameter values by parameter name
     * @param values numbers by name; integral values (such as the step) as {@link Long}
     */
    public LossState(Map<String, NDArray> arrays, Map<String, ? extends Number> values) {
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(arrays, "arrays")));
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /** The arrays by name. */
    public Map<String, NDArray> arrays() {
        return arrays;
    }

    /** The numbers by name. */
    public Map<String, Number> values() {
        return values;
    }

    /** One array; fails naming the arrays present. */
    public NDArray array(String name) {
        NDArray array = arrays.get(name);
        if (array == null) {
            throw new LossConfigurationException("The loss state has no array '" + name + "'; it has " + arrays.keySet());
        }
        return array;
    }

    /** One number as a double; fails naming the numbers present. */
    public double doubleValue(String name) {
        return number(name).doubleValue();
    }

    /** One number as a long; fails if it is missing or not integral. */
    public long longValue(String name) {
        Number number = number(name);
        double asDouble = number.doubleValue();
        if (asDouble != Math.rint(asDouble)) {
            throw new LossConfigurationException("The loss state's value '" + name + "' is " + number + ", expected an integer");
        }
        return number.longValue();
    }

    private Number number(String name) {
        Number number = values.get(name);
        if (number == null) {
            throw new LossConfigurationException("The loss state has no value '" + name + "'; it has " + values.keySet());
        }
        return number;
    }

    @Override
    public String toString() {
        Map<String, String> shapes = new LinkedHashMap<>();
        arrays.forEach((name, array) -> shapes.put(name, String.valueOf(array.getShape())));
        return "LossState" + shapes + values;
    }
}
