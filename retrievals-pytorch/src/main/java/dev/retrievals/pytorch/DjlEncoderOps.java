package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.pytorch.arch.EncoderOps;
import java.util.Map;
import dev.retrievals.core.ndarray.Scalars;

/**
 * Runs an architecture on DJL NDArrays (PyTorch engine), differentiably. Every result is computed
 * with an activation as the receiver, so it lands in the activations' (per-batch) manager and never
 * in the parameters' manager.
 */
final class DjlEncoderOps implements EncoderOps<NDArray> {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private final Map<String, NDArray> parameters;
    private final boolean training;
    private final DataType dataType;

    /**
     * @param parameters the model's weights by Hugging Face name
     * @param training whether dropout is active
     * @param dataType the floating-point type of the weights
     */
    DjlEncoderOps(Map<String, NDArray> parameters, boolean training, DataType dataType) {
        this.parameters = parameters;
        this.training = training;
        this.dataType = dataType;
    }

    @Override
    public NDArray parameter(String name) {
        NDArray parameter = parameters.get(name);
        if (parameter == null) {
            throw new RetrievalsException("The model has no parameter '" + name + "'");
        }
        return parameter;
    }

    @Override
    public NDArray embedding(NDArray table, NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public NDArray add(NDArray a, NDArray b) {
        return a.add(b);
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    @Override
    public NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double epsilon) {
        Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return x.getNDArrayInternal().layerNorm(x, normalized, gamma, beta, (float) epsilon).singletonOrThrow();
    }

    @Override
    public NDArray activation(NDArray x, String hiddenAct) {
        switch (hiddenAct) {
            case "gelu":
                return x.getNDArrayInternal().gelu();
            case "gelu_new":
            case "gelu_pytorch_tanh":
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                NDArray inner = Scalars.mul(x.add(Scalars.mul(Scalars.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
                return Scalars.mul(inner.tanh().add(1f).mul(x), 0.5);
            case "relu":
                return x.getNDArrayInternal().relu();
            case "tanh":
                return x.tanh();
            case "silu":
            case "swish":
                return x.getNDArrayInternal().sigmoid().mul(x);
            default:
                throw new RetrievalsException("hidden_act '" + hiddenAct + "' is not supported; expected one of gelu, gelu_new,"
                        + " gelu_pytorch_tanh, relu, silu, tanh");
        }
    }

    @Override
    public NDArray dropout(NDArray x, double probability) {
        if (!training || probability <= 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, (float) probability, true).singletonOrThrow();
    }

    @Override
    public NDArray splitHeads(NDArray x, int heads) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), shape.get(1), heads, shape.get(2) / heads).transpose(0, 2, 1, 3);
    }

    @Override
    public NDArray mergeHeads(NDArray x) {
        Shape shape = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(shape.get(0), shape.get(2), shape.get(1) * shape.get(3));
    }

    @Override
    public NDArray attentionScores(NDArray query, NDArray key, double scale) {
        // Scale the query [b, h, s, d] rather than the scores [b, h, s, s]: the same product with
        // s/d times fewer multiplications forward and backward (4x at 128 tokens and 32-wide heads).
        return Scalars.mul(query, scale).matMul(key.transpose(0, 1, 3, 2));
    }

    @Override
    public NDArray attentionBias(NDArray attentionMask) {
        float mostNegative = dataType == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        Shape shape = attentionMask.getShape();
        return attentionMask.toType(dataType, false).neg().add(1f).mul(mostNegative).reshape(shape.get(0), 1, 1, shape.get(1));
    }

    @Override
    public NDArray softmax(NDArray x) {
        return x.softmax(-1);
    }

    @Override
    public NDArray matMul(NDArray a, NDArray b) {
        return a.matMul(b);
    }

    @Override
    public NDArray positionIds(NDArray inputIds) {
        long sequence = inputIds.getShape().get(1);
        return inputIds.getManager().arange(0, sequence, 1, DataType.INT64).reshape(1, sequence);
    }

    @Override
    public NDArray paddingAwarePositionIds(NDArray inputIds, long padId) {
        NDArray notPadding = inputIds.neq(padId).toType(DataType.INT64, false);
        return notPadding.cumSum(1).mul(notPadding).add(padId);
    }

    @Override
    public NDArray firstToken(NDArray x) {
        return x.get(":, 0, :");
    }

    @Override
    public NDArray zerosLike(NDArray ids) {
        return ids.zerosLike();
    }
}
