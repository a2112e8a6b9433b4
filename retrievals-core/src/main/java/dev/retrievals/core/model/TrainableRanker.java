package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.rerank.PairScorer;

/**
 * A cross-encoder a trainer can fine-tune: it reads a (query, document) pair as one token
 * sequence and gives one logit per pair (per label). The trainer hands its logits to the loss as
 * {@link dev.retrievals.core.loss.LossInputs#LOGITS}.
 */
public interface TrainableRanker extends TrainableModel, PairScorer {

    /**
     * The logits of tokenized pairs, {@code [pairs, numLabels]}; differentiable in training mode.
     * Results live in {@code scope}.
     */
    NDArray logits(TokenBatch pairs, NDManager scope);

    /** The number of outputs per pair (1 for a relevance score). */
    int numLabels();
}
