package dev.retrievals.trainer;

import ai.djl.ndarray.NDManager;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import java.util.Set;

/**
 * What a model makes of a collated batch for its loss: embeddings by role for a bi-encoder
 * ({@link BatchEmbedder}), logits of (query, document) pairs for a cross-encoder
 * ({@link PairLogits}); labels and scores are passed through.
 */
interface BatchForward {

    /** The loss's inputs for a batch, in {@code scope}; differentiable when the model trains. */
    LossInputs inputs(CollatedBatch batch, NDManager scope);

    /** The roles the loss will see for a batch, without running the model (to check a loss against a collator). */
    Set<String> roles(CollatedBatch batch);
}
