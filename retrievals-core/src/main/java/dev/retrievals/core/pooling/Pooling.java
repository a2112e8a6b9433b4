package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;

/**
 * Turns token embeddings into one vector per text. Names follow sentence-transformers' pooling modes.
 *
 * <p>A pooling has two forms: on NDArrays (training, differentiable) and on plain Java arrays
 * (serving with ONNX Runtime alone, no NDArray engine). The built-in poolings implement both; a
 * pooling that implements only the NDArray form is run for plain arrays on an NDArray engine on the
 * class path (DJL's PyTorch engine), and fails with a clear error where there is none.
 */
public interface Pooling {

    /**
     * Pools token embeddings.
     *
     * @param tokenEmbeddings {@code [batch, sequence, hidden]}
     * @param attentionMask {@code [batch, sequence]}, 1 for real tokens and 0 for padding
     * @return {@code [batch, hidden]}
     */
    NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask);

    /**
     * Pools token embeddings held in a plain array, in Java; the same values as
     * {@link #pool(NDArray, NDArray)}.
     *
     * @param tokenEmbeddings {@code [batch, sequence, hidden]} flattened in row-major order
     * @param hidden the width of one token embedding
     * @param attentionMask {@code [batch][sequence]}, 1 for real tokens and 0 for padding
     * @return {@code [batch][hidden]}
     */
    default float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        return PoolingMath.poolOnEngine(this, tokenEmbeddings, hidden, attentionMask);
    }
}
