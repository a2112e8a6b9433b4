package dev.retrievals.pytorch;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import dev.retrievals.core.collator.TokenBatch;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A bundled model's original ONNX graph run by ONNX Runtime: the independent reference for the Java encoder. */
final class OriginalOnnxGraph implements AutoCloseable {
    private final Model model;
    private final Predictor<NDList, NDList> predictor;

    OriginalOnnxGraph(String resource, Path scratch) throws Exception {
        Path file = scratch.resolve("original.onnx");
        try (InputStream in = OriginalOnnxGraph.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        model = Engine.getEngine("OnnxRuntime").newModel("original", Device.cpu());
        model.load(scratch, "original");
        predictor = model.newPredictor(new NoopTranslator((Batchifier) null));
    }

    /** last_hidden_state, flattened [batch * sequence * hidden]. */
    float[] lastHiddenState(TokenBatch batch) throws Exception {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList outputs = predictor.predict(new NDList(
                    manager.create(batch.inputIds()), manager.create(batch.attentionMask()), manager.create(batch.tokenTypeIds())));
            return outputs.get(0).toFloatArray();
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
