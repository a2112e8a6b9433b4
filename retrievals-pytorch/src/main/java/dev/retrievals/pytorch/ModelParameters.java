package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights of a model by Hugging Face name, in one NDManager that outlives every step. An
 * optimizer updates these arrays in place. Parameters can be frozen (no gradient, skipped by
 * optimizers), for example the embedding table.
 */
public final class ModelParameters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelParameters.class);
    private static final List<String> CHECKPOINT_PREFIXES = List.of("bert.", "roberta.", "xlm_roberta.", "model.");

    private final NDManager manager;
    private final Map<String, NDArray> arrays;
    private final Set<String> frozen = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile boolean requiresGradient;

    private ModelParameters(NDManager manager, Map<String, NDArray> arrays) {
        this.manager = manager;
        this.arrays = Collections.unmodifiableMap(arrays);
    }

    /**
     * Takes the tensors an architecture needs from a checkpoint, checks their shapes, converts
     * them to {@code dataType} and copies them into a new manager under {@code parent}.
     *
     * @param expected parameter names and shapes, from the architecture
     * @param tensors the checkpoint's tensors by name; extra ones (a pooler, heads) are ignored
     * @param source the checkpoint file, for messages
     * @throws RetrievalsException naming the file and the tensor when one is missing or misshapen
     */
    public static ModelParameters fromCheckpoint(
            NDManager parent, Map<String, long[]> expected, Map<String, NDArray> tensors, String source, DataType dataType) {
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            byName.putIfAbsent(canonicalName(entry.getKey()), entry.getValue());
        }
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> entry : expected.entrySet()) {
                String name = entry.getKey();
                NDArray tensor = byName.remove(name);
                if (tensor == null) {
                    throw new RetrievalsException(source + " has no tensor '" + name + "' (expected shape "
                            + Arrays.toString(entry.getValue()) + ")");
                }
                if (!tensor.getShape().equals(new Shape(entry.getValue()))) {
                    throw new RetrievalsException(source + ": tensor '" + name + "' has shape " + tensor.getShape()
                            + "; the configuration needs " + new Shape(entry.getValue()));
                }
                NDArray copy = tensor.toType(dataType, false).duplicate();
                copy.attach(manager);
                copy.setName(name);
                arrays.put(name, copy);
            }
            if (!byName.isEmpty()) {
                LOG.debug("{}: ignoring tensors the encoder does not use: {}", source, byName.keySet());
            }
            return new ModelParameters(manager, arrays);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Strips a task model's prefix ({@code bert.} …) and maps TensorFlow-era LayerNorm names. */
    private static String canonicalName(String name) {
        String canonical = name;
        for (String prefix : CHECKPOINT_PREFIXES) {
            if (canonical.startsWith(prefix)) {
                canonical = canonical.substring(prefix.length());
                break;
            }
        }
        if (canonical.endsWith("LayerNorm.gamma")) {
            canonical = canonical.substring(0, canonical.length() - "gamma".length()) + "weight";
        } else if (canonical.endsWith("LayerNorm.beta")) {
            canonical = canonical.substring(0, canonical.length() - "beta".length()) + "bias";
        }
        return canonical;
    }

    /** Every parameter by name, in the architecture's order. */
    public Map<String, NDArray> all() {
        return arrays;
    }

    /** The parameters that are not frozen, by name, in the architecture's order. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        arrays.forEach((name, array) -> {
            if (!frozen.contains(name)) {
                trainable.put(name, array);
            }
        });
        return trainable;
    }

    /** The parameter of a name; fails naming the name when there is none. */
    public NDArray get(String name) {
        NDArray array = arrays.get(name);
        if (array == null) {
            throw new RetrievalsException("The model has no parameter '" + name + "'");
        }
        return array;
    }

    /**
     * Freezes every parameter whose name matches {@code regex} (searched, not anchored, for
     * example {@code ^embeddings\.}); returns the names frozen. Matching nothing is an error.
     */
    public List<String> freeze(String regex) {
        List<String> matched = matching(regex);
        frozen.addAll(matched);
        applyGradientFlags();
        return matched;
    }

    /** Unfreezes every parameter whose name matches {@code regex}; returns the names unfrozen. */
    public List<String> unfreeze(String regex) {
        List<String> matched = matching(regex);
        matched.forEach(frozen::remove);
        applyGradientFlags();
        return matched;
    }

    private List<String> matching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        List<String> matched = new ArrayList<>();
        for (String name : arrays.keySet()) {
            if (pattern.matcher(name).find()) {
                matched.add(name);
            }
        }
        if (matched.isEmpty()) {
            throw new RetrievalsException("No parameter name matches '" + regex + "'; names look like "
                    + arrays.keySet().stream().limit(3).toList());
        }
        return matched;
    }

    /** Whether a parameter is frozen. */
    public boolean isFrozen(String name) {
        return frozen.contains(name);
    }

    /** Turns gradient recording on (for training) or off, for every parameter that is not frozen. */
    public void setRequiresGradient(boolean requiresGradient) {
        this.requiresGradient = requiresGradient;
        applyGradientFlags();
    }

    private void applyGradientFlags() {
        arrays.forEach((name, array) -> array.setRequiresGradient(requiresGradient && !frozen.contains(name)));
    }

    /** The number of scalars in all parameters. */
    public long count() {
        return arrays.values().stream().mapToLong(NDArray::size).sum();
    }

    /** The floating-point type of the parameters. */
    public DataType dataType() {
        return arrays.values().iterator().next().getDataType();
    }

    /** The manager that owns the parameters (to create optimizer state beside them). */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
