package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.Scalars;

/** Helpers shared by the poolings: shape checks, the mask as weights, L2 normalisation. */
public final class PoolingMath {
    private PoolingMath() {}

    /** Fails unless embeddings are {@code [batch, sequence, hidden]} and the mask {@code [batch, sequence]}. */
    static void checkShapes(String pooling, NDArray tokenEmbeddings, NDArray attentionMask) {
        var hidden = tokenEmbeddings.getShape();
        var mask = attentionMask.getShape();
        if (hidden.dimension() != 3 || mask.dimension() != 2 || hidden.get(0) != mask.get(0) || hidden.get(1) != mask.get(1)) {
            throw new RetrievalsException(pooling + " pooling expects token embeddings [batch, sequence, hidden] and an"
                    + " attention mask [batch, sequence]; got " + hidden + " and " + mask);
        }
    }

    /** The mask as {@code [batch, sequence, 1]} in the embeddings' data type, ready to multiply. */
    static NDArray maskWeights(NDArray tokenEmbeddings, NDArray attentionMask) {
        return attentionMask.toType(tokenEmbeddings.getDataType(), false).expandDims(2);
    }

    /** Sum over the sequence of {@code embeddings * weights} ({@code weights} is {@code [batch, sequence, 1]}). */
    static NDArray weightedSum(NDArray tokenEmbeddings, NDArray weights) {
        return tokenEmbeddings.mul(weights).sum(new int[] {1});
    }

    /** Rows divided by their L2 norm (at least 1e-12, as {@code torch.nn.functional.normalize}). */
    public static NDArray l2Normalize(NDArray embeddings) {
        return embeddings.div(Scalars.maximum(embeddings.norm(new int[] {-1}, true), 1e-12));
    }
}
