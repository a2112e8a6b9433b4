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

    /**
     * Embeddings of a batch for training with activation checkpointing: the encoder keeps only what
     * it needs to recompute its activations when {@link CheckpointedEmbedding#backPropagate} is
     * called, after the loss's backward pass. Gradients are those of {@link #embed}. The default
     * keeps the whole graph (no checkpointing). Results live in {@code scope}.
     */
    default CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
        return CheckpointedEmbedding.withGraph(embed(batch, scope));
    }

    @Override
    void close();
}
