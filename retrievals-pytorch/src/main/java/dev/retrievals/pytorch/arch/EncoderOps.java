package dev.retrievals.pytorch.arch;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The operations a transformer encoder is written in. An architecture is written once against
 * this interface; one implementation runs it on DJL NDArrays (trainable), another can append the
 * same computation as ONNX nodes (export), so the two can never drift apart.
 *
 * <p>An architecture marks groups of operations whose intermediate results nothing needs once the
 * group has its result (the embeddings, a layer, the attention inside a layer) with
 * {@link #scoped(Supplier)}; an implementation that holds memory per value (the DJL one) releases
 * them there, one that only records a graph (the ONNX one) runs the group as it is. The largest
 * groups, the embeddings and each layer, are {@link #segment(Supplier) segments}: boundaries at
 * which a training implementation may checkpoint activations.
 *
 * <p>Shapes: {@code b} batch, {@code s} sequence, {@code h} heads, {@code d} head size.
 *
 * @param <T> a tensor (an NDArray, or the name of an ONNX value)
 */
public interface EncoderOps<T> {

    /** A named weight, for example {@code encoder.layer.0.attention.self.query.weight}. */
    T parameter(String name);

    /** Rows of {@code table} ({@code [rows, width]}) selected by integer {@code ids}: {@code [..., width]}. */
    T embedding(T table, T ids);

    /** Element-wise sum, with broadcasting. */
    T add(T a, T b);

    /** {@code x · weightᵀ + bias}, with {@code weight} stored {@code [out, in]} as in PyTorch. */
    T linear(T x, T weight, T bias);

    /** Layer normalisation over the last axis. */
    T layerNorm(T x, T gamma, T beta, double epsilon);

    /** A Hugging Face activation by its {@code hidden_act} name ({@code gelu}, {@code relu}, {@code tanh} …). */
    T activation(T x, String hiddenAct);

    /** Dropout with drop probability {@code probability} in training; the identity otherwise. */
    T dropout(T x, double probability);

    /** {@code [b, s, h*d]} to {@code [b, h, s, d]}. */
    T splitHeads(T x, int heads);

    /** {@code [b, h, s, d]} to {@code [b, s, h*d]}. */
    T mergeHeads(T x);

    /** {@code query · keyᵀ · scale + bias}: {@code [b, h, s, s]}, with {@code bias} from {@link #attentionBias}. */
    T attentionScores(T query, T key, double scale, T bias);

    /** The additive attention bias of a {@code [b, s]} mask: 0 for tokens, the type's most negative value for padding, {@code [b, 1, 1, s]}. */
    T attentionBias(T attentionMask);

    /** Softmax over the last axis. */
    T softmax(T x);

    /** Batched matrix product. */
    T matMul(T a, T b);

    /** Positions {@code 0 … s-1} for {@code [b, s]} ids, broadcastable to {@code [b, s]}. */
    T positionIds(T inputIds);

    /**
     * RoBERTa's positions: {@code padId + 1 + index} among non-padding tokens, {@code padId} on
     * padding ({@code cumsum(ids != pad) * (ids != pad) + pad}).
     */
    T paddingAwarePositionIds(T inputIds, long padId);

    /** The first position of a {@code [b, s, w]} value ({@code [CLS]} or {@code <s>}): {@code [b, w]}. */
    T firstToken(T x);

    /** Zeros of the shape and integer type of {@code ids} (token types when none are given). */
    T zerosLike(T ids);

    /**
     * Runs a group of operations whose intermediate results nothing needs after it: an
     * implementation may release every value the group makes, except its result, when it returns.
     * Values made before the group are left alone. In training nothing the backward pass needs is
     * lost: the engine keeps its own references to what it saved. The default runs the group as it
     * is.
     */
    default T scoped(Supplier<T> group) {
        return group.get();
    }

    /**
     * {@link #scoped(Supplier)} for a step that consumes {@code input}, such as a layer consuming the
     * previous layer's output: the caller hands {@code input} over and never uses it again, so it
     * may be released with the step's intermediates. The default runs the step as it is.
     */
    default T scoped(T input, UnaryOperator<T> step) {
        return step.apply(input);
    }

    /**
     * A segment of the network whose result is all that later segments need from it, such as the
     * embeddings: an implementation may run it as a {@link #scoped(Supplier) scoped group}, or keep
     * nothing of it for the backward pass and run it again there (activation checkpointing), so the
     * group must compute the same thing when run twice (dropout included, which the implementation
     * reseeds). The default runs it as a scoped group.
     */
    default T segment(Supplier<T> group) {
        return scoped(group);
    }

    /**
     * {@link #segment(Supplier)} for a segment that consumes {@code input}, such as a transformer
     * layer: the caller hands {@code input} over and never uses it again. The default runs it as
     * {@link #scoped(Object, UnaryOperator)}.
     */
    default T segment(T input, UnaryOperator<T> step) {
        return scoped(input, step);
    }
}
