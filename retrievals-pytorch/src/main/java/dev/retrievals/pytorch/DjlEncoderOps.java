package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.pytorch.arch.EncoderOps;
import dev.retrievals.core.ndarray.Scalars;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs an architecture on DJL NDArrays (PyTorch engine), differentiably. Every result is computed
 * with an activation as the receiver, so it lands in the activations' (per-batch) manager and never
 * in the parameters' manager.
 *
 * <p>Scoped groups ({@link #scoped(Supplier)}) close every array made on this thread inside them
 * except the group's result (DJL's {@link NDScope} tracks them, whatever their manager), so a
 * forward pass holds one layer's intermediates at a time instead of all layers' until the caller's
 * scope closes. Closing a Java handle only drops this side's reference: in training, libtorch's
 * autograd keeps its own references to the tensors its backward pass needs, so gradients do not
 * change. That holds because every tensor made inside a group owns its memory in libtorch (no
 * array there wraps a Java buffer that closing would let the garbage collector free; see
 * {@link Scalars}).
 *
 * <p>In training every {@link #segment(Supplier) segment} (the embeddings, each layer) reseeds the
 * engine's generator with a seed drawn from it, so the segment's dropout masks depend only on that
 * seed and a segment run again with it draws them again. With {@link LayerCheckpoints} attached,
 * segments run without recording a graph and are kept for the backward pass instead.
 */
final class DjlEncoderOps implements EncoderOps<NDArray> {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private final boolean training;
    private final DataType dataType;
    private final boolean scoped;
    private Map<String, NDArray> parameters;
    private LayerCheckpoints checkpoints;

    /**
     * @param parameters the model's weights by Hugging Face name
     * @param training whether dropout is active
     * @param dataType the floating-point type of the weights
     * @param scoped whether scoped groups release their intermediates (otherwise everything stays
     *     in the caller's manager until it closes)
     */
    DjlEncoderOps(Map<String, NDArray> parameters, boolean training, DataType dataType, boolean scoped) {
        this.parameters = parameters;
        this.training = training;
        this.dataType = dataType;
        this.scoped = scoped;
    }

    /** Runs the architecture's operations on these weights from now on (the detached or the trainable ones). */
    void useParameters(Map<String, NDArray> weights) {
        this.parameters = weights;
    }

    /**
     * Records every segment from now on (its seed, input and operations) in {@code record} instead
     * of keeping its intermediates; {@code null} stops recording.
     */
    void recordSegments(LayerCheckpoints record) {
        this.checkpoints = record;
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

    /**
     * Inverted dropout with a one-byte keep mask: {@code x · keep · 1/(1 − p)}, where each element is kept with probability
     * {@code 1 − p}. libtorch's own CPU dropout multiplies by a noise array of the input's type, which autograd keeps for
     * the backward pass (4 bytes an element in float32); here the product's backward needs only the boolean mask (1 byte),
     * and the values and gradients are those of dropout. Measured (docs/benchmarks.md §4), the training step's peak
     * resident memory did not move beyond run-to-run noise (batch 128: 4,460 MB against 4,502 before): the peak is set
     * elsewhere.
     */
    @Override
    public NDArray dropout(NDArray x, double probability) {
        if (!training || probability <= 0) {
            return x;
        }
        if (probability >= 1) {
            return x.zerosLike();
        }
        NDArray keep;
        try (NDArray uniform = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType(), x.getDevice())) {
            keep = uniform.gte(probability);
        }
        return Scalars.mul(x.mul(keep), 1 / (1 - probability));
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
    public NDArray attentionScores(NDArray query, NDArray key, double scale, NDArray bias) {
        // Scale the query [b, h, s, d] rather than the scores [b, h, s, s]: the same product with
        // s/d times fewer multiplications forward and backward (4x at 128 tokens and 32-wide heads).
        // The bias is added in place: the product is a fresh array nothing else refers to (and that
        // autograd does not keep), so the step needs one [b, h, s, s] array instead of two.
        return Scalars.mul(query, scale).matMul(key.transpose(0, 1, 3, 2)).addi(bias);
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

    @Override
    public NDArray scoped(Supplier<NDArray> group) {
        if (!scoped) {
            return group.get();
        }
        NDArray result;
        try (NDScope scope = new NDScope()) {
            result = group.get();
            NDScope.unregister(result);
        }
        NDScope.register(result); // to the enclosing group, which releases it in turn unless it is that group's result
        return result;
    }

    @Override
    public NDArray segment(Supplier<NDArray> group) {
        int seed = reseedDropout();
        NDArray result = scoped(group);
        if (checkpoints != null) {
            checkpoints.add(seed, null, ignored -> group.get());
        }
        return result;
    }

    @Override
    public NDArray segment(NDArray input, UnaryOperator<NDArray> step) {
        int seed = reseedDropout();
        if (checkpoints == null) {
            return scoped(input, step);
        }
        NDArray result = scoped(() -> step.apply(input));
        checkpoints.add(seed, input, step); // the input is kept: the backward pass runs the step on it again
        return result;
    }

    /**
     * In training, draws a seed from the engine's generator and reseeds the generator with it, so
     * what follows draws the same dropout masks whenever it starts from that seed again; returns
     * the seed (0, and nothing done, outside training).
     */
    private int reseedDropout() {
        if (!training || parameters.isEmpty()) {
            return 0;
        }
        NDManager owner = parameters.values().iterator().next().getManager();
        int seed;
        try (NDManager draw = owner.newSubManager()) {
            seed = draw.randomInteger(0, Integer.MAX_VALUE, new Shape(), DataType.INT32).getInt();
        }
        owner.getEngine().setRandomSeed(seed);
        return seed;
    }

    @Override
    public NDArray scoped(NDArray input, UnaryOperator<NDArray> step) {
        NDArray result = scoped(() -> step.apply(input));
        if (scoped && result != input) {
            input.close();
        }
        return result;
    }
}
