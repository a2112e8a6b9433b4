package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.InPlaceCopy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter, 2019) as PyTorch's {@code torch.optim.AdamW}: decoupled weight
 * decay {@code p ← p·(1 − lr·wd)}, then {@code p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)}.
 * Updates happen in place on the parameter arrays, one fused native call per parameter (the engine's
 * {@code adamUpdate}, instead of about fifteen element-wise calls); the moments live in a manager of
 * their own and every temporary in a closed sub-manager, so a step leaves no arrays behind.
 */
public final class AdamW implements AutoCloseable {
    private final List<ParameterGroup> groups;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final NDManager stateManager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final Map<String, Double> lastLearningRates = new LinkedHashMap<>();
    private long step;

    /**
     * @param groups the parameter groups; must hold at least one parameter
     */
    public AdamW(List<ParameterGroup> groups, double beta1, double beta2, double epsilon) {
        this.groups = List.copyOf(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        NDArray first = groups.stream().flatMap(g -> g.parameters().values().stream()).findFirst()
                .orElseThrow(() -> new RetrievalsException("The optimizer has no parameters to train (all frozen?)"));
        this.stateManager = first.getManager().newSubManager();
        for (ParameterGroup group : groups) {
            group.parameters().forEach((name, parameter) -> {
                NDArray m = stateManager.zeros(parameter.getShape(), parameter.getDataType());
                NDArray v = stateManager.zeros(parameter.getShape(), parameter.getDataType());
                if (firstMoments.put(name, m) != null) {
                    throw new RetrievalsException("Parameter '" + name + "' is in two parameter groups");
                }
                secondMoments.put(name, v);
            });
        }
    }

    /**
     * One update of every parameter that has a gradient.
     *
     * @param scheduleFactor the schedule's multiplier of each group's base rate at this step
     */
    public void step(double scheduleFactor) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, step));
        for (ParameterGroup group : groups) {
            double rate = group.learningRate() * scheduleFactor;
            for (Map.Entry<String, NDArray> entry : group.parameters().entrySet()) {
                NDArray parameter = entry.getValue();
                if (!parameter.hasGradient()) {
                    continue;
                }
                lastLearningRates.put(entry.getKey(), rate);
                try (NDManager scope = stateManager.newSubManager()) {
                    NDArray gradient = scope(parameter.getGradient(), scope);
                    NDList state = new NDList(parameter, gradient, firstMoments.get(entry.getKey()), secondMoments.get(entry.getKey()));
                    // One native call per parameter: p -= p*lr*wd; m, v updated in place; p -= lrbc * m / (sqrt(v) + eps').
                    // With lrbc = lr*sqrt(1-b2^t)/(1-b1^t) and eps' = eps*sqrt(1-b2^t) this is exactly
                    // p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps), PyTorch's formula. No rescaling; clip < 0 is off.
                    parameter.getNDArrayInternal().adamUpdate(state, new NDList(parameter),
                            (float) rate, (float) (rate * sqrtCorrection2 / correction1), (float) group.weightDecay(), 1f, -1f,
                            (float) beta1, (float) beta2, (float) (epsilon * sqrtCorrection2), false, true);
                }
            }
        }
    }

    /** Moves an array whose receiver was a long-lived array into the step's scope. */
    private static NDArray scope(NDArray array, NDManager scope) {
        array.attach(scope);
        return array;
    }

    /** Sets every parameter's gradient to zero (also clearing NaN or infinite values). */
    public void zeroGradients() {
        try (NDManager scope = stateManager.newSubManager()) {
            for (ParameterGroup group : groups) {
                for (NDArray parameter : group.parameters().values()) {
                    if (parameter.hasGradient()) {
                        scope(parameter.getGradient(), scope).set(new NDIndex("..."), 0);
                    }
                }
            }
        }
    }

    /** The learning rate each parameter received at the last step, by name. */
    public Map<String, Double> lastLearningRates() {
        return Collections.unmodifiableMap(lastLearningRates);
    }

    /** The parameter groups. */
    public List<ParameterGroup> groups() {
        return groups;
    }

    /** Steps taken so far (or restored). */
    public long stepCount() {
        return step;
    }

    /** The moments by {@code m.<name>} and {@code v.<name>}, for checkpoints (the live arrays; copy before changing). */
    public Map<String, NDArray> moments() {
        Map<String, NDArray> moments = new LinkedHashMap<>();
        firstMoments.forEach((name, array) -> moments.put("m." + name, array));
        secondMoments.forEach((name, array) -> moments.put("v." + name, array));
        return moments;
    }

    /**
     * Restores moments and the step count from a checkpoint.
     *
     * @throws RetrievalsException naming a moment that is missing or misshapen
     */
    public void restore(Map<String, NDArray> moments, long stepCount, String source) {
        for (Map.Entry<String, NDArray> entry : moments().entrySet()) {
            NDArray saved = moments.get(entry.getKey());
            if (saved == null || !saved.getShape().equals(entry.getValue().getShape())) {
                throw new RetrievalsException(source + ": optimizer moment '" + entry.getKey() + "' is "
                        + (saved == null ? "missing" : "of shape " + saved.getShape()) + "; expected shape " + entry.getValue().getShape());
            }
            InPlaceCopy.copy(saved, entry.getValue(), source + ": optimizer moment '" + entry.getKey() + "'");
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
