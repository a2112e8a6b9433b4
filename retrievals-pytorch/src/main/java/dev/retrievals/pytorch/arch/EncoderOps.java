package dev.retrievals.pytorch.arch;

/**
 * The operations a transformer encoder is written in. An architecture is written once against
 * this interface; one implementation runs it on DJL NDArrays (trainable), another can append the
 * same computation as ONNX nodes (export), so the two can never drift apart.
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

    /** {@code query · keyᵀ · scale}: {@code [b, h, s, s]}. */
    T attentionScores(T query, T key, double scale);

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
}
