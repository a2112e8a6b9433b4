package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The global gradient norm over all parameters, and clipping to a maximum (as {@code torch.nn.utils.clip_grad_norm_}).
 * One native norm per parameter and a single read-back for the whole model: the engine never
 * materialises squared gradients, and Java waits on the engine once, not once per parameter.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Computes the L2 norm of all gradients together and, if {@code maxNorm > 0} and the norm
     * exceeds it, scales every gradient in place by {@code maxNorm / (norm + 1e-6)}.
     *
     * @return the norm before clipping (NaN or infinite if a gradient is)
     */
    public static double clip(Collection<NDArray> parameters, double maxNorm, NDManager scope) {
        try (NDManager step = scope.newSubManager()) {
            List<NDArray> gradients = new ArrayList<>(parameters.size());
            for (NDArray parameter : parameters) {
                if (parameter.hasGradient()) {
                    NDArray gradient = parameter.getGradient();
                    gradient.attach(step);
                    gradients.add(gradient);
                }
            }
            if (gradients.isEmpty()) {
                return 0;
            }
            NDList norms = new NDList(gradients.size());
            for (NDArray gradient : gradients) {
                norms.add(gradient.norm().toType(DataType.FLOAT64, false));
            }
            double norm = Math.sqrt(NDArrays.stack(norms).square().sum().getDouble());
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                double factor = maxNorm / (norm + 1e-6);
                for (NDArray gradient : gradients) {
                    gradient.muli(factor);
                }
            }
            return norm;
        }
    }
}
