package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java forward pass of each bundled model against ONNX Runtime running the model's original
 * graph, on a padded batch of mixed Chinese and English texts.
 */
class BundledModelParityTest {
    static final List<String> TEXTS = List.of(
            "今天天气很好",
            "The quick brown fox jumps over the lazy dog.",
            "深度学习模型可以把文本变成向量，用于语义检索和问答系统。",
            "Embeddings",
            "如何在 Java 中微调 embedding 模型？",
            "A much longer English sentence that talks about retrieval augmented generation, vector databases and the JVM.",
            "银行卡丢了怎么办",
            "mixed 中英文 text with numbers 12345");

    @TempDir
    Path scratch;

    @ParameterizedTest
    @CsvSource({"bge-small-zh-v1.5, /bge-small-zh-v1.5.onnx", "all-MiniLM-L6-v2, /all-minilm-l6-v2.onnx"})
    void lastHiddenStateAndPooledEmbeddingsMatchOnnxRuntime(String id, String resource) throws Exception {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id);
                OriginalOnnxGraph original = new OriginalOnnxGraph(resource, scratch)) {
            TokenBatch batch = model.tokenizer().tokenize(TEXTS);
            assertThat(batch.lengths()).contains(batch.sequenceLength());
            assertThat(java.util.Arrays.stream(batch.lengths()).min().orElseThrow()).isLessThan(batch.sequenceLength() / 2);
            float[] expected = original.lastHiddenState(batch);
            float[] actual;
            try (NDManager scope = model.newScope()) {
                actual = model.lastHiddenState(batch, scope).toFloatArray();
            }
            assertThat(actual).hasSameSizeAs(expected);
            double maxError = 0;
            for (int i = 0; i < expected.length; i++) {
                maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
            }
            System.out.printf("%s: max abs difference of last_hidden_state to ONNX Runtime %.3g%n", id, maxError);
            assertThat(maxError).as("max |java - onnxruntime| of last_hidden_state").isLessThan(1e-4);

            float[][] encoded = model.encode(TEXTS);
            int hidden = model.dimension();
            for (int row = 0; row < TEXTS.size(); row++) {
                double[] pooled = pool(expected, batch, row, hidden, model.poolingName());
                assertThat(cosine(encoded[row], pooled)).as(TEXTS.get(row)).isGreaterThanOrEqualTo(0.99999);
            }
        }
    }

    /** CLS or mean pooling of the ONNX Runtime output, in plain Java. */
    private static double[] pool(float[] hiddenStates, TokenBatch batch, int row, int hidden, String pooling) {
        int length = batch.sequenceLength();
        double[] pooled = new double[hidden];
        int count = 0;
        for (int t = 0; t < length; t++) {
            boolean take = pooling.equals("cls") ? t == 0 : batch.attentionMask()[row][t] == 1;
            if (take) {
                count++;
                for (int j = 0; j < hidden; j++) {
                    pooled[j] += hiddenStates[(row * length + t) * hidden + j];
                }
            }
        }
        for (int j = 0; j < hidden; j++) {
            pooled[j] /= count;
        }
        return pooled;
    }

    private static double cosine(float[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
