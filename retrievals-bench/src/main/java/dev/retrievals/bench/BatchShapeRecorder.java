package dev.retrievals.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.TrainableEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trainable encoder that passes everything to another one and writes down the shape (texts ×
 * padded length) of every batch it embeds, step by step, so a memory probe can set its measured
 * peak beside the activation estimate for the shapes it really trained on.
 */
final class BatchShapeRecorder implements TrainableEncoder {
    private final TrainableEncoder model;
    private final List<List<int[]>> steps = new ArrayList<>();
    private List<int[]> current = new ArrayList<>();

    BatchShapeRecorder(TrainableEncoder model) {
        this.model = model;
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
        return model.embed(batch, scope);
    }

    @Override
    public CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
        current.add(new int[] {batch.batchSize(), batch.sequenceLength()});
        return model.embedCheckpointed(batch, scope);
    }

    @Override
    public NDManager newScope() {
        return model.newScope();
    }

    @Override
    public Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        return model.trainableParameters();
    }

    @Override
    public void train() {
        model.train();
    }

    @Override
    public void eval() {
        model.eval();
    }

    @Override
    public boolean isTraining() {
        return model.isTraining();
    }

    @Override
    public TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public void save(Path folder) {
        model.save(folder);
    }

    @Override
    public float[][] encode(List<String> texts) {
        return model.encode(texts);
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    /** Does not close the model: its owner does. */
    @Override
    public void close() {}
}
