package dev.retrievals.trainer.gradcache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.model.CheckpointedEmbedding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Embeds the texts of one role of a batch (queries through the query tower, documents through the
 * document tower), and completes a loss's inputs with the batch's labels and scores.
 */
public interface RoleEncoder {

    /**
     * Embeddings of the texts of {@code role}, {@code [rows, dim]}, in {@code scope}; differentiable
     * when the model is in training mode and a gradient collector is open.
     */
    NDArray embed(String role, TokenBatch tokens, NDManager scope);

    /**
     * {@link #embed} for a backward pass that comes later: with activation checkpointing the encoder
     * keeps only what it needs to recompute its activations in
     * {@link CheckpointedEmbedding#backPropagate}. The default keeps the graph.
     */
    default CheckpointedEmbedding embedCheckpointed(String role, TokenBatch tokens, NDManager scope) {
        return CheckpointedEmbedding.withGraph(embed(role, tokens, scope));
    }

    /**
     * The loss's inputs: the given embeddings by role plus the batch's labels and scores as arrays in
     * {@code scope} (a score role with {@code m > 1} numbers per row as {@code [rows, m]}).
     */
    static LossInputs lossInputs(Map<String, NDArray> embeddings, CollatedBatch batch, NDManager scope) {
        Map<String, NDArray> arrays = new LinkedHashMap<>(embeddings);
        batch.labels().forEach((role, values) -> arrays.put(role, scope.create(values)));
        batch.scores().forEach((role, values) -> {
            int perRow = batch.scoresPerRow(role);
            arrays.put(role, perRow == 1 ? scope.create(values) : scope.create(values, new Shape(batch.size(), perRow)));
        });
        return LossInputs.of(arrays);
    }
}
