package dev.retrievals.trainer.gradcache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.StatefulLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells whether a loss couples the rows of a batch (in-batch negatives, CoSENT's ranking of all
 * pairs): then the batch size changes the loss itself, and gradient accumulation over small
 * batches is not the same as one large batch — gradient caching is.
 */
public final class BatchCoupling {
    private static final double RELATIVE_TOLERANCE = 1e-4;

    private BatchCoupling() {}

    /**
     * Whether the loss of a batch differs from the row-weighted mean of the losses of its two halves,
     * measured on random embeddings of {@code dimension} features shaped like {@code sample}'s texts
     * (with its labels and scores). A loss of independent rows (own hard negatives only, distillation)
     * gives the mean; a loss with in-batch negatives does not. Stateful losses and batches of one row
     * count as not coupled. Uses the engine's random generator; arrays live in {@code scope}.
     */
    public static boolean couplesRows(Loss loss, CollatedBatch sample, int dimension, NDManager scope) {
        if (loss instanceof StatefulLoss || sample.size() < 2) {
            return false;
        }
        List<BatchChunk> halves = BatchChunk.split(sample, (sample.size() + 1) / 2, 0);
        Map<String, NDArray> whole = new LinkedHashMap<>();
        sample.texts().forEach((role, tokens) ->
                whole.put(role, scope.randomNormal(new Shape(tokens.batchSize(), dimension), DataType.FLOAT32)));
        double full = lossOf(loss, whole, sample, scope);
        double weighted = 0;
        for (BatchChunk half : halves) {
            Map<String, NDArray> rows = new LinkedHashMap<>();
            whole.forEach((role, array) -> {
                int from = half.firstText(role);
                rows.put(role, array.get("{}:{}", from, from + half.rows().tokens(role).batchSize()));
            });
            weighted += lossOf(loss, rows, half.rows(), scope) * half.rows().size();
        }
        weighted /= sample.size();
        return Math.abs(full - weighted) > RELATIVE_TOLERANCE * Math.max(1, Math.abs(full));
    }

    private static double lossOf(Loss loss, Map<String, NDArray> embeddings, CollatedBatch batch, NDManager scope) {
        return loss.forward(RoleEncoder.lossInputs(embeddings, batch, scope)).toType(DataType.FLOAT64, false).getDouble();
    }
}
