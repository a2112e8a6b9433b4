package dev.retrievals.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.trainer.gradcache.RoleEncoder;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final boolean checkpointing;

    /**
     * @param checkpointing whether {@link #embedCheckpointed} checkpoints activations (otherwise it
     *     keeps the graph, as {@link #embed} does)
     */
    BatchEmbedder(TrainableEncoder queryTower, TrainableEncoder documentTower, boolean checkpointing) {
        this.queryTower = queryTower;
        this.documentTower = documentTower;
        this.checkpointing = checkpointing;
    }

    /** Embeds each text role in the batch's order (fixed by {@link CollatedBatch}, so runs reproduce). */
    @Override
    public LossInputs inputs(CollatedBatch batch, NDManager scope) {
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        batch.texts().forEach((role, tokens) -> embeddings.put(role, embed(role, tokens, scope)));
        return RoleEncoder.lossInputs(embeddings, batch, scope);
    }

    /**
     * {@link #inputs} with every role embedded through {@link #embedCheckpointed}, added to
     * {@code embedded} in the batch's order, to back-propagate after the loss (without checkpointing
     * their graphs reach the weights, and back-propagating them does nothing more).
     */
    LossInputs checkpointedInputs(CollatedBatch batch, NDManager scope, List<CheckpointedEmbedding> embedded) {
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        batch.texts().forEach((role, tokens) -> {
            CheckpointedEmbedding embedding = embedCheckpointed(role, tokens, scope);
            embedded.add(embedding);
            embeddings.put(role, embedding.embedding());
        });
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
        return tower(role).embed(tokens, scope);
    }

    @Override
    public CheckpointedEmbedding embedCheckpointed(String role, TokenBatch tokens, NDManager scope) {
        return checkpointing ? tower(role).embedCheckpointed(tokens, scope) : RoleEncoder.super.embedCheckpointed(role, tokens, scope);
    }

    private TrainableEncoder tower(String role) {
        boolean document = role.equals(LossInputs.POSITIVE) || role.equals(LossInputs.NEGATIVE);
        return document ? documentTower : queryTower;
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
