package dev.retrievals.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.trainer.gradcache.RoleEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a collated batch into a loss's inputs: each text role through its tower (queries and
 * single texts through the query tower, positives and negatives through the document tower, which
 * is the same model unless a separate one is given), labels and scores as arrays.
 */
final class BatchEmbedder implements RoleEncoder {
    private static final List<String> ROLE_ORDER =
            List.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE, LossInputs.TEXT);

    private final TrainableEncoder queryTower;
    private final TrainableEncoder documentTower;

    BatchEmbedder(TrainableEncoder queryTower, TrainableEncoder documentTower) {
        this.queryTower = queryTower;
        this.documentTower = documentTower;
    }

    /**
     * Embeds the roles in a fixed order (query, positive, negative, text, then others by name):
     * dropout draws random numbers in the order of the forward passes, so a run reproduces only if
     * that order does not depend on how a collator happened to fill its map.
     */
    LossInputs embed(CollatedBatch batch, NDManager scope) {
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        List<Map.Entry<String, TokenBatch>> roles = new ArrayList<>(batch.texts().entrySet());
        roles.sort(Comparator.comparingInt((Map.Entry<String, TokenBatch> e) -> ROLE_ORDER.indexOf(e.getKey()) < 0
                ? ROLE_ORDER.size() : ROLE_ORDER.indexOf(e.getKey())).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, TokenBatch> entry : roles) {
            embeddings.put(entry.getKey(), embed(entry.getKey(), entry.getValue(), scope));
        }
        return RoleEncoder.lossInputs(embeddings, batch, scope);
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
