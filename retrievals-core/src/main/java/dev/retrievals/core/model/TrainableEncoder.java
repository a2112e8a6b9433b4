package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.TextEncoder;

/**
 * A text encoder that a trainer can fine-tune (a bi-encoder): it embeds token batches
 * differentiably, and the trainer hands the embeddings to the loss by role. The trainer sees
 * models only through {@link TrainableModel}, so it works with any engine module that provides one.
 */
public interface TrainableEncoder extends TrainableModel, TextEncoder {

    /**
     * Embeddings of a batch, {@code [batch, dimension]}, pooled (and normalised if the model
     * normalises). Differentiable in training mode. Results live in {@code scope}.
     */
    NDArray embed(TokenBatch batch, NDManager scope);

    @Override
    void close();
}
