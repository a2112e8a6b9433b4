package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;

/** The global gradient norm over all parameters, and clipping to a maximum (as {@code torch.nn.utils.clip_grad_norm_}). */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Computes the L2 norm of all gradients together and, if {@code maxNorm > 0} and the norm
     * exceeds it, scales every gradient in place by {@code maxNorm / (norm + 1e-6)}.
     *
     * @return the norm before clipping (NaN or infinite if a gradient is)
     */
    public static double clip(Collection<NDArray> parameters, double maxNorm, NDManager scope) {
        double squares = 0;
        try (NDManager step = scope.newSubManager()) {
            for (NDArray parameter : parameters) {
                if (parameter.hasGradient()) {
                    NDArray gradient = parameter.getGradient();
                    gradient.attach(step);
                    squares += gradient.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                }
            }
            double norm = Math.sqrt(squares);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                double factor = maxNorm / (norm + 1e-6);
                for (NDArray parameter : parameters) {
                    if (parameter.hasGradient()) {
                        NDArray gradient = parameter.getGradient();
                        gradient.attach(step);
                        gradient.muli(factor);
                    }
                }
            }
            return norm;
        }
    }
}
