package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.retrievals.core.RetrievalsException;
import java.util.Arrays;
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
 *
 * <p>Large tables (2-D, at least {@value #SPARSE_MIN_ROWS} rows: embedding matrices) in a group
 * without weight decay are updated only on their active rows, those that have a gradient now or
 * had one before; for all other rows the dense update is the identity (m = v = 0, no gradient),
 * so the result is the same while a step touches a few thousand rows instead of the whole vocabulary.
 */
public final class AdamW implements AutoCloseable {
    /** Tables with at least this many rows are updated only where a row has a gradient or moments. */
    static final long SPARSE_MIN_ROWS = 1024;

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
                    NDArray m = firstMoments.get(entry.getKey());
                    NDArray v = secondMoments.get(entry.getKey());
                    float bias = (float) (rate * sqrtCorrection2 / correction1);
                    float eps = (float) (epsilon * sqrtCorrection2);
                    long[] rows = group.weightDecay() == 0 ? activeRows(gradient, v, scope) : null;
                    if (rows == null) {
                        update(parameter, gradient, m, v, rate, bias, group.weightDecay(), eps);
                    } else if (rows.length > 0) {
                        NDIndex active = new NDIndex("{}", scope.create(rows));
                        NDArray p = scope(parameter.get(active), scope);
                        NDArray mRows = scope(m.get(active), scope);
                        NDArray vRows = scope(v.get(active), scope);
                        update(p, gradient.get(active), mRows, vRows, rate, bias, 0, eps);
                        parameter.set(active, p);
                        m.set(active, mRows);
                        v.set(active, vRows);
                    }
                }
            }
        }
    }

    /**
     * One native call: {@code p -= p·lr·wd}; m and v updated in place; {@code p -= bias · m / (√v + eps)}.
     * With {@code bias = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)} and {@code eps = ε·√(1−β₂ᵗ)} this is exactly
     * {@code p -= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)}, PyTorch's formula. No rescaling; clipping (&lt; 0) is off.
     */
    private void update(NDArray parameter, NDArray gradient, NDArray m, NDArray v, double rate, float bias, double weightDecay,
            float eps) {
        parameter.getNDArrayInternal().adamUpdate(new NDList(parameter, gradient, m, v), new NDList(parameter), (float) rate, bias,
                (float) weightDecay, 1f, -1f, (float) beta1, (float) beta2, eps, false, true);
    }

    /**
     * For a large table (an embedding matrix) without weight decay, the rows an update can change:
     * those with a gradient now or a moment from before. Every other row has m = v = 0 and no
     * gradient, so the dense update would leave it exactly as it is. Returns {@code null} (update
     * densely) when the table is small or most of its rows are active.
     */
    private static long[] activeRows(NDArray gradient, NDArray v, NDManager scope) {
        if (gradient.getShape().dimension() != 2 || gradient.getShape().get(0) < SPARSE_MIN_ROWS) {
            return null;
        }
        int[] perRow = {1};
        boolean[] touched = scope(gradient.norm(perRow), scope).neq(0).logicalOr(scope(v.norm(perRow), scope).neq(0)).toBooleanArray();
        long[] rows = new long[touched.length];
        int count = 0;
        for (int row = 0; row < touched.length; row++) {
            if (touched[row]) {
                rows[count++] = row;
            }
        }
        return count > touched.length / 2 ? null : Arrays.copyOf(rows, count);
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
            entry.getValue().set(saved.toType(entry.getValue().getDataType(), false).toByteBuffer());
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
