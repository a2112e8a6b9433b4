package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.pooling.Pooling;
import dev.retrievals.core.pooling.PoolingMath;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain-Java poolings that {@link OnnxEncoder} applies to {@code last_hidden_state} against the
 * same poolings written as ONNX nodes and run by ONNX Runtime: a model exported with each pooling
 * gives both outputs for one padded batch.
 */
class JavaPoolingParityTest {
    @TempDir
    static Path shared;

    static Path tiny;

    @BeforeAll
    static void writeTinyModel() throws Exception {
        tiny = TestModels.tinyFolder(shared.resolve("tiny"), TestModels.tinyBertConfig(), 11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cls", "mean", "max", "weightedmean", "mean_sqrt_len_tokens", "lasttoken"})
    void javaPoolingMatchesThePoolingInsideTheGraph(String pooling) throws Exception {
        Path export = shared.resolve("export-" + pooling);
        TokenBatch batch;
        try (AutoModelForEmbedding model = TestModels.load(tiny, pooling, true)) {
            OnnxExporter.export(model, export, ExportOptions.defaults());
            batch = model.tokenizer().tokenize(TestModels.TEXTS);
        }
        assertThat(Arrays.stream(batch.lengths()).min().orElseThrow()).as("the batch must hold padding").isLessThan(batch.sequenceLength());
        Map<String, float[]> outputs = OrtReference.run(export.resolve("model.onnx"), batch);
        float[] hidden = outputs.get(OnnxEncoder.LAST_HIDDEN_STATE);
        float[] inGraph = outputs.get(OnnxEncoder.SENTENCE_EMBEDDING);
        int width = inGraph.length / batch.batchSize();

        Pooling java = PluginRegistry.global().create(PluginKinds.POOLING, pooling);
        float[][] pooled = java.pool(hidden, width, batch.attentionMask());
        for (int row = 0; row < batch.batchSize(); row++) {
            float[] vector = PoolingMath.l2Normalize(pooled[row]);
            for (int unit = 0; unit < width; unit++) {
                assertThat(vector[unit]).as("%s row %d unit %d", pooling, row, unit)
                        .isCloseTo(inGraph[row * width + unit], within(2e-6f));
            }
        }
    }
}
