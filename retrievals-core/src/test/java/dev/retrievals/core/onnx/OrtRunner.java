package dev.retrievals.core.onnx;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Test helper: loads an ONNX file into ONNX Runtime (through DJL) and runs it once. */
final class OrtRunner {
    private OrtRunner() {}

    /**
     * Runs {@code directory/prefix.onnx} on the inputs {@code makeInputs} builds, in graph input
     * order, and returns every output as floats.
     */
    static List<float[]> run(Path directory, String prefix, Function<NDManager, NDList> makeInputs)
            throws Exception {
        try (Model model = Engine.getEngine("OnnxRuntime").newModel(prefix, Device.cpu())) {
            model.load(directory, prefix);
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator((Batchifier) null));
                    NDManager manager = model.getNDManager().newSubManager()) {
                NDList outputs = predictor.predict(makeInputs.apply(manager));
                List<float[]> values = new ArrayList<>();
                for (NDArray output : outputs) {
                    values.add(output.toFloatArray());
                }
                return values;
            }
        }
    }
}
