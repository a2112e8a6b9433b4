package dev.retrievals.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optimizer step as it was before the performance fixes, kept only to measure them in the same
 * process: AdamW as about fifteen element-wise native calls per parameter, and gradient clipping
 * that squares every gradient and reads each sum back to Java. Same arithmetic as
 * {@link dev.retrievals.trainer.optim.AdamW} and {@link dev.retrievals.trainer.optim.GradientClipping}.
 */
final class UnfusedOptimizerBaseline implements AutoCloseable {
    private final Map<String, NDArray> parameters;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double epsilon = 1e-8;
    private long step;

    UnfusedOptimizerBaseline(Map<String, NDArray> parameters, NDManager owner) {
        this.parameters = parameters;
        this.stateManager = owner.newSubManager();
        parameters.forEach((name, p) -> moments.put(name, new NDArray[] {
            stateManager.zeros(p.getShape(), p.getDataType()), stateManager.zeros(p.getShape(), p.getDataType())}));
    }

    /** The old clipping: per parameter {@code square().sum()} and a read-back. */
    static double clip(Collection<NDArray> parameters, double maxNorm, NDManager scope) {
        double squares = 0;
        try (NDManager sub = scope.newSubManager()) {
            for (NDArray parameter : parameters) {
                if (parameter.hasGradient()) {
                    NDArray gradient = parameter.getGradient();
                    gradient.attach(sub);
                    squares += gradient.square().sum().toType(DataType.FLOAT64, false).getDouble();
                }
            }
            double norm = Math.sqrt(squares);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                for (NDArray parameter : parameters) {
                    if (parameter.hasGradient()) {
                        NDArray gradient = parameter.getGradient();
                        gradient.attach(sub);
                        gradient.muli(maxNorm / (norm + 1e-6));
                    }
                }
            }
            return norm;
        }
    }

    /** The old AdamW update, element-wise. */
    void step(double rate, double weightDecay) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, step));
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            NDArray parameter = entry.getValue();
            if (!parameter.hasGradient()) {
                continue;
            }
            try (NDManager scope = stateManager.newSubManager()) {
                NDArray gradient = parameter.getGradient();
                gradient.attach(scope);
                DataType type = parameter.getDataType();
                if (weightDecay > 0) {
                    parameter.muli(scope.create(1 - rate * weightDecay).toType(type, false));
                }
                NDArray m = moments.get(entry.getKey())[0];
                NDArray v = moments.get(entry.getKey())[1];
                m.muli(scope.create(beta1).toType(type, false)).addi(gradient.mul(1 - beta1));
                v.muli(scope.create(beta2).toType(type, false)).addi(gradient.square().mul(1 - beta2));
                NDArray root = v.sqrt();
                root.attach(scope);
                NDArray denominator = root.divi(sqrtCorrection2).addi(epsilon);
                NDArray update = m.div(denominator);
                update.attach(scope);
                parameter.subi(update.muli(rate / correction1));
            }
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
