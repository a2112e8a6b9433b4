package dev.retrievals.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.model.TrainableRanker;
import dev.retrievals.trainer.gradcache.RoleEncoder;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a cross-encoder batch into a loss's inputs: the tokenized (query, document) pairs of role
 * {@link LossInputs#PAIR} (row-major, {@code m} pairs per row) through the ranker, as
 * {@link LossInputs#LOGITS} {@code [rows, m]}, with the batch's labels and scores.
 */
final class PairLogits implements BatchForward {
    private final TrainableRanker ranker;

    PairLogits(TrainableRanker ranker) {
        if (ranker.numLabels() != 1) {
            throw new RetrievalsException("The reranker has " + ranker.numLabels() + " labels; training takes one logit per pair"
                    + " (num_labels 1; start a new head with init_head)");
        }
        this.ranker = ranker;
    }

    @Override
    public LossInputs inputs(CollatedBatch batch, NDManager scope) {
        TokenBatch pairs = pairsOf(batch);
        NDArray logits = ranker.logits(pairs, scope).reshape(batch.size(), pairs.batchSize() / batch.size());
        return RoleEncoder.lossInputs(Map.of(LossInputs.LOGITS, logits), batch, scope);
    }

    @Override
    public Set<String> roles(CollatedBatch batch) {
        pairsOf(batch);
        Set<String> roles = new TreeSet<>(Set.of(LossInputs.LOGITS));
        roles.addAll(batch.labels().keySet());
        roles.addAll(batch.scores().keySet());
        return roles;
    }

    private static TokenBatch pairsOf(CollatedBatch batch) {
        if (!batch.texts().keySet().equals(Set.of(LossInputs.PAIR))) {
            throw new RetrievalsException("A reranker trains on batches of (query, document) pairs (text role '" + LossInputs.PAIR
                    + "', from a cross-encoder collator such as rerank_pair or rerank_group); the collator gives text roles "
                    + batch.texts().keySet());
        }
        TokenBatch pairs = batch.tokens(LossInputs.PAIR);
        if (pairs.batchSize() % batch.size() != 0) {
            throw new RetrievalsException("The batch has " + pairs.batchSize() + " pairs for " + batch.size()
                    + " rows; expected the same number of pairs per row");
        }
        return pairs;
    }
}
