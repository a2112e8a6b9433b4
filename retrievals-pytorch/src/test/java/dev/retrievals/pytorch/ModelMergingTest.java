package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.safetensors.SafetensorsTensor;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merged weights equal ratio · tuned + (1 − ratio) · base, computed here on the saved tensors; mismatched models fail naming the tensor. */
class ModelMergingTest {
    @TempDir
    Path dir;

    @Test
    void everyMergedTensorIsTheWeightedSumOfTheSavedTensorsAndTheFolderLoads() throws Exception {
        Path base = TinyModelFolder.write(dir.resolve("base"), 1);
        Path tuned = dir.resolve("tuned");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(TinyModelFolder.write(dir.resolve("other"), 2).toString(),
                "mean", ModelOptions.defaults().withPrompts("query: ", ""))) {
            model.save(tuned);
        }
        Path merged = dir.resolve("merged");
        double ratio = 0.3;
        ModelMerging.merge(base.toString(), tuned.toString(), ratio, merged);

        SafetensorsFile baseTensors = SafetensorsFile.read(base.resolve("model.safetensors"));
        SafetensorsFile tunedTensors = SafetensorsFile.read(tuned.resolve("model.safetensors"));
        SafetensorsFile mergedTensors = SafetensorsFile.read(merged.resolve("model.safetensors"));
        assertThat(mergedTensors.names()).containsExactlyInAnyOrderElementsOf(tunedTensors.names());
        double largestError = 0;
        for (SafetensorsTensor tensor : mergedTensors.tensors()) {
            float[] b = baseTensors.tensor(tensor.name()).orElseThrow().toFloatArray();
            float[] t = tunedTensors.tensor(tensor.name()).orElseThrow().toFloatArray();
            float[] m = tensor.toFloatArray();
            assertThat(m).as(tensor.name()).hasSameSizeAs(t);
            for (int i = 0; i < m.length; i++) {
                double expected = ratio * t[i] + (1 - ratio) * b[i];
                largestError = Math.max(largestError, Math.abs(m[i] - expected) / Math.max(1, Math.abs(expected)));
            }
        }
        assertThat(largestError).as("largest error of a merged weight (float32 rounding)").isLessThan(1e-6);

        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(merged.toString())) {
            assertThat(model.poolingName()).as("the tuned model's settings are kept").isEqualTo("mean");
            assertThat(model.prompts().query()).isEqualTo("query: ");
            float[][] vectors = model.encode(List.of("hello world", "merged"));
            assertThat(vectors[0]).hasSize(model.dimension());
        }
    }

    @Test
    void ratioOneGivesTheTunedWeightsAndZeroTheBase() throws Exception {
        Path base = TinyModelFolder.write(dir.resolve("base"), 3);
        Path tuned = TinyModelFolder.write(dir.resolve("tuned"), 4);
        for (double ratio : new double[] {0, 1}) {
            Path merged = dir.resolve("merged-" + ratio);
            ModelMerging.merge(base.toString(), tuned.toString(), ratio, merged);
            SafetensorsFile expected = SafetensorsFile.read((ratio == 1 ? tuned : base).resolve("model.safetensors"));
            for (SafetensorsTensor tensor : SafetensorsFile.read(merged.resolve("model.safetensors")).tensors()) {
                assertThat(tensor.toFloatArray()).as("%s at ratio %s", tensor.name(), ratio)
                        .isEqualTo(expected.tensor(tensor.name()).orElseThrow().toFloatArray());
            }
        }
    }

    @Test
    void modelsWithOtherTensorsOrShapesFailNamingTheTensorAndChangeNothing() {
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            Map<String, NDArray> tuned = new LinkedHashMap<>();
            tuned.put("a.weight", manager.create(new float[] {1, 2, 3, 4}).reshape(2, 2));
            tuned.put("b.bias", manager.create(new float[] {5, 6}));
            Map<String, NDArray> missing = Map.of("a.weight", manager.zeros(tuned.get("a.weight").getShape()));
            assertThatThrownBy(() -> ModelMerging.average(tuned, missing, 0.5, "tuned model T", "base model B"))
                    .isInstanceOf(RetrievalsException.class)
                    .hasMessage("Cannot merge: tensor 'b.bias' of the tuned model T is missing from the base model B;"
                            + " both models need the same architecture");
            Map<String, NDArray> extra = new LinkedHashMap<>(Map.of("a.weight", manager.zeros(tuned.get("a.weight").getShape()),
                    "b.bias", manager.zeros(tuned.get("b.bias").getShape()), "c.weight", manager.zeros(tuned.get("b.bias").getShape())));
            assertThatThrownBy(() -> ModelMerging.average(tuned, extra, 0.5, "tuned model T", "base model B"))
                    .hasMessage("Cannot merge: tensor 'c.weight' of the base model B is missing from the tuned model T;"
                            + " both models need the same architecture");
            Map<String, NDArray> reshaped = Map.of("a.weight", manager.zeros(tuned.get("a.weight").getShape()),
                    "b.bias", manager.zeros(new ai.djl.ndarray.types.Shape(3)));
            assertThatThrownBy(() -> ModelMerging.average(tuned, reshaped, 0.5, "tuned model T", "base model B"))
                    .hasMessage("Cannot merge: tensor 'b.bias' has shape (2) in the tuned model T but (3) in the base model B");
            assertThatThrownBy(() -> ModelMerging.average(tuned, extra, 1.5, "tuned model T", "base model B"))
                    .hasMessage("Option 'ratio' is 1.5; allowed: a number in [0, 1] (the weight of the tuned model)");
            assertThat(tuned.get("a.weight").toFloatArray()).as("nothing changed").containsExactly(1, 2, 3, 4);
            assertThat(tuned.get("b.bias").toFloatArray()).containsExactly(5, 6);
        }
    }
}
