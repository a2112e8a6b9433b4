package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;

/** Turns token embeddings into one vector per text. Names follow sentence-transformers' pooling modes. */
public interface Pooling {

    /**
     * Pools token embeddings.
     *
     * @param tokenEmbeddings {@code [batch, sequence, hidden]}
     * @param attentionMask {@code [batch, sequence]}, 1 for real tokens and 0 for padding
     * @return {@code [batch, hidden]}
     */
    NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask);
}
