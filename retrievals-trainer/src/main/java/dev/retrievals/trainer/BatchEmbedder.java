package dev.retrievals.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.trainer.gradcache.RoleEncoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a collated batch into a loss's inputs: each text role through its tower (queries and
 * single texts through the query tower, positives and negatives through the document tower, which
 * is the same model unless a separate one is given), labels and scores as arrays.
 */
final class BatchEmbedder implements RoleEncoder, BatchForward {
    private final TrainableEncoder queryTower;
    private final TrainableEncoder documentTower;

    BatchEmbedder(TrainableEncoder queryTower, TrainableEncoder documentTower) {
        this.queryTower = queryTower;
        this.documentTower = documentTower;
    }

    /** Embeds each text role in the batch's order (fixed by {@link CollatedBatch}, so runs reproduce). */
    @Override
    public LossInputs inputs(CollatedBatch batch, NDManager scope) {
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        batch.texts().forEach((role, tokens) -> embeddings.put(role, embed(role, tokens, scope)));
        return RoleEncoder.lossInputs(embeddings, batch, scope);
    }

    @Override
    public Set<String> roles(CollatedBatch batch) {
        Set<String> roles = new TreeSet<>(batch.texts().keySet());
        roles.addAll(batch.labels().keySet());
        roles.addAll(batch.scores().keySet());
        return roles;
    }

    @Override
    public NDArray embed(String role, TokenBatch tokens, NDManager scope) {
        boolean document = role.equals(LossInputs.POSITIVE) || role.equals(LossInputs.NEGATIVE);
        return (document ? documentTower : queryTower).embed(tokens, scope);
    }

    /** Real (unpadded) tokens in a batch, for throughput figures. */
    static long realTokens(CollatedBatch batch) {
        long tokens = 0;
        for (TokenBatch texts : batch.texts().values()) {
            for (int length : texts.lengths()) {
                tokens += length;
            }
        }
        return tokens;
    }
}
