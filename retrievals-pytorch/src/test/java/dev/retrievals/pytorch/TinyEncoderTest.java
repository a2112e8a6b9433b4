package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Tiny random BERT and XLM-R encoders against a plain-Java reference of the Hugging Face definitions. */
class TinyEncoderTest {
    private static final List<String> TEXTS = List.of(
            "a short text", "a considerably longer text that forces padding of the others", "mid length one here");

    static AutoModelForEmbedding tinyModel(String configJson, Map<String, double[]> weights, ModelOptions options) {
        TransformerConfig config = TransformerConfig.parse(configJson, "tiny config.json");
        TransformerArchitecture architecture = TinyModels.architectureOf(config);
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            return AutoModelForEmbedding.create(config, TinyModels.toArrays(weights, config, architecture, manager),
                    "tiny weights", Map.of("tokenizer.json", TinyModels.miniLmTokenizerJson()), ModelOptions.defaults(), options);
        }
    }

    private static String configOf(String kind) {
        return switch (kind) {
            case "bert" -> TinyModels.bertConfig();
            case "roberta" -> TinyModels.robertaConfig();
            default -> TinyModels.xlmRobertaConfig();
        };
    }

    /** The batch with each row's padding moved to its start (pads get the model's pad id, as a left-padding tokenizer writes). */
    private static TokenBatch leftPadded(TokenBatch batch, long padId) {
        int rows = batch.inputIds().length;
        int length = batch.sequenceLength();
        long[][] ids = new long[rows][length];
        long[][] mask = new long[rows][length];
        long[][] types = new long[rows][length];
        for (int row = 0; row < rows; row++) {
            int real = batch.lengths()[row];
            java.util.Arrays.fill(ids[row], padId);
            System.arraycopy(batch.inputIds()[row], 0, ids[row], length - real, real);
            System.arraycopy(batch.attentionMask()[row], 0, mask[row], length - real, real);
            System.arraycopy(batch.tokenTypeIds()[row], 0, types[row], length - real, real);
        }
        return new TokenBatch(ids, mask, types);
    }

    /** The largest difference of the model's last hidden state from the reference, over real (unmasked) tokens. */
    private static double maxErrorOverRealTokens(AutoModelForEmbedding model, TokenBatch batch, ReferenceEncoder reference) {
        try (NDManager scope = model.newScope()) {
            float[] actual = model.lastHiddenState(batch, scope).toFloatArray();
            int length = batch.sequenceLength();
            double maxError = 0;
            for (int row = 0; row < batch.inputIds().length; row++) {
                double[][] expected = reference.forward(batch.inputIds()[row], batch.attentionMask()[row], batch.tokenTypeIds()[row]);
                for (int t = 0; t < length; t++) {
                    if (batch.attentionMask()[row][t] == 0) {
                        continue; // padded positions are not defined by the model
                    }
                    for (int j = 0; j < 8; j++) {
                        maxError = Math.max(maxError, Math.abs(actual[(row * length + t) * 8 + j] - expected[t][j]));
                    }
                }
            }
            return maxError;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "xlm-roberta"})
    void lastHiddenStateMatchesThePlainJavaReference(String kind) {
        String json = configOf(kind);
        TransformerConfig config = TransformerConfig.parse(json, "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 7);
        ReferenceEncoder reference = new ReferenceEncoder(weights, 8, 2, 2, 16, config.layerNormEps(),
                !kind.equals("bert"), config.padTokenId());
        try (AutoModelForEmbedding model = tinyModel(json, weights, ModelOptions.defaults())) {
            TokenBatch batch = model.tokenizer().tokenize(TEXTS);
            assertThat(batch.lengths()).doesNotHaveDuplicates(); // real padding in the batch
            assertThat(maxErrorOverRealTokens(model, batch, reference)).isLessThan(1e-4);
        }
    }

    /**
     * RoBERTa's position ids count only real tokens (Hugging Face's {@code create_position_ids_from_input_ids}),
     * so a left-padded batch, as decoder-style tokenizers and some serving stacks write, gives its real
     * tokens the same states as the reference.
     */
    @ParameterizedTest
    @ValueSource(strings = {"roberta", "xlm-roberta"})
    void leftPaddedRobertaBatchesMatchTheReference(String kind) {
        String json = configOf(kind);
        TransformerConfig config = TransformerConfig.parse(json, "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 9);
        ReferenceEncoder reference = new ReferenceEncoder(weights, 8, 2, 2, 16, config.layerNormEps(), true, config.padTokenId());
        try (AutoModelForEmbedding model = tinyModel(json, weights, ModelOptions.defaults())) {
            TokenBatch left = leftPadded(model.tokenizer().tokenize(TEXTS), config.padTokenId());
            assertThat(left.attentionMask()[0][0]).as("the shortest text starts with padding").isZero();
            assertThat(maxErrorOverRealTokens(model, left, reference)).isLessThan(1e-4);
        }
    }

    @Test
    void evaluationIsDeterministicAndTrainingAppliesDropout() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 11);
        try (AutoModelForEmbedding model = tinyModel(TinyModels.bertConfig(), weights, ModelOptions.defaults())) {
            float[][] first = model.encode(TEXTS);
            assertThat(model.encode(TEXTS)).isDeepEqualTo(first);
            model.train();
            float[][] dropped = model.encode(TEXTS);
            model.eval();
            assertThat(dropped[0]).isNotEqualTo(first[0]);
            assertThat(model.encode(TEXTS)).isDeepEqualTo(first);
        }
    }

    @Test
    void encodeRestoresInputOrderAndMatchesOneTextAtATime() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 3);
        try (AutoModelForEmbedding model = tinyModel(TinyModels.bertConfig(), weights,
                ModelOptions.defaults().withPooling("mean").withNormalize(true))) {
            float[][] batched = model.encode(TEXTS, EncodeOptions.defaults().withBatchSize(2));
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] alone = model.encode(List.of(TEXTS.get(i)))[0];
                assertThat(batched[i]).containsExactly(alone, within(1e-5f));
                double norm = 0;
                for (float v : alone) {
                    norm += v * v;
                }
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void instructionsArePrependedByRole() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 5);
        try (AutoModelForEmbedding model = tinyModel(TinyModels.bertConfig(), weights,
                ModelOptions.defaults().withPrompts("query: ", "passage: "))) {
            assertThat(model.encodeQueries(List.of("cats"))[0]).containsExactly(model.encode(List.of("query: cats"))[0]);
            assertThat(model.encodeDocuments(List.of("cats"))[0]).containsExactly(model.encode(List.of("passage: cats"))[0]);
        }
    }

    @Test
    void aHundredForwardPassesLeaveNoLiveArraysBehind() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 13);
        try (AutoModelForEmbedding model = tinyModel(TinyModels.bertConfig(), weights, ModelOptions.defaults())) {
            model.encode(TEXTS);
            int before = model.liveArrayCount();
            for (int i = 0; i < 100; i++) {
                model.encode(TEXTS);
            }
            assertThat(model.liveArrayCount()).isEqualTo(before);
            assertThat(before).isEqualTo(model.weights().all().size());
        }
    }

    @Test
    void freezingSelectsParametersByPattern() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 17);
        try (AutoModelForEmbedding model = tinyModel(TinyModels.bertConfig(), weights, ModelOptions.defaults())) {
            List<String> frozen = model.weights().freeze("^embeddings\\.word_embeddings\\.");
            assertThat(frozen).containsExactly("embeddings.word_embeddings.weight");
            assertThat(model.weights().trainable()).doesNotContainKey("embeddings.word_embeddings.weight")
                    .hasSize(model.weights().all().size() - 1);
            model.train();
            assertThat(model.weights().get("embeddings.word_embeddings.weight").hasGradient()).isFalse();
            assertThat(model.weights().get("embeddings.LayerNorm.weight").hasGradient()).isTrue();
            assertThatThrownBy(() -> model.weights().freeze("^decoder\\."))
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("No parameter name matches '^decoder\\.'");
        }
    }

    @Test
    void fp16RunsCloseToFp32AndBf16IsRefused() {
        TransformerConfig config = TransformerConfig.parse(TinyModels.bertConfig(), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), 19);
        try (AutoModelForEmbedding fp32 = tinyModel(TinyModels.bertConfig(), weights, ModelOptions.defaults());
                AutoModelForEmbedding fp16 = tinyModel(TinyModels.bertConfig(), weights,
                        ModelOptions.defaults().withPrecision(Precision.FP16))) {
            float[][] a = fp32.encode(TEXTS);
            float[][] b = fp16.encode(TEXTS);
            for (int i = 0; i < a.length; i++) {
                assertThat(cosine(a[i], b[i])).isGreaterThan(0.999);
            }
        }
        assertThatThrownBy(() -> Precision.parse("bf16")).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("bfloat16 arrays abort the JVM");
    }

    static double cosine(float[] a, float[] b) {
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
