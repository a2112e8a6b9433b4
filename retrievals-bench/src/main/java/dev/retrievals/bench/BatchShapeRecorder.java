package dev.retrievals.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.ForwardingTrainableEncoder;
import dev.retrievals.core.model.TrainableEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A trainable encoder that passes everything to another one and writes down the shape (texts ×
 * padded length) of every batch it embeds, step by step, so a memory probe can set its measured
 * peak beside the activation estimate for the shapes it really trained on.
 */
final class BatchShapeRecorder extends ForwardingTrainableEncoder {
    private final List<List<int[]>> steps = new ArrayList<>();
    private List<int[]> current = new ArrayList<>();

    BatchShapeRecorder(TrainableEncoder model) {
        super(model);
    }

    /** Closes the current step's list of shapes (call at the end of every optimizer step). */
    void endStep() {
        steps.add(current);
        current = new ArrayList<>();
    }

    /** Every finished step's shapes: {@code [[[texts, length], ...], ...]}. */
    JsonArray toJson() {
        JsonArray json = new JsonArray();
        for (List<int[]> step : steps) {
            JsonArray calls = new JsonArray();
            for (int[] shape : step) {
                JsonArray pair = new JsonArray();
                pair.add(shape[0]);
                pair.add(shape[1]);
                calls.add(pair);
            }
            json.add(calls);
        }
        return json;
    }

    @Override
    public NDArray embed(TokenBatch batch, NDManager scope) {
        current.add(new int[] {batch.batchSize(), batch.sequenceLength()});
        return super.embed(batch, scope);
    }

    @Override
    public CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
        current.add(new int[] {batch.batchSize(), batch.sequenceLength()});
        return super.embedCheckpointed(batch, scope);
    }
}
