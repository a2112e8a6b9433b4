package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pooling, with and without normalisation, on tiny random BERT (erf GELU, token types) and
 * XLM-RoBERTa (tanh GELU, padding-aware positions, no token types) encoders: ONNX Runtime on the
 * exported graph against the PyTorch model on a padded batch. Also the graph's interface, loading
 * the export back, and the export's errors.
 */
class OnnxExporterTest {
    @TempDir
    static Path models;

    @TempDir
    Path scratch;

    @BeforeAll
    static void writeTinyModels() throws Exception {
        TestModels.tinyFolder(models.resolve("bert"), TestModels.tinyBertConfig(), 1);
        TestModels.tinyFolder(models.resolve("xlm-roberta"), TestModels.tinyXlmRobertaConfig(), 2);
    }

    static Stream<Arguments> poolings() {
        return Stream.of("bert", "xlm-roberta").flatMap(architecture -> Stream.of(
                        "cls", "mean", "max", "weightedmean", "mean_sqrt_len_tokens", "lasttoken")
                .flatMap(pooling -> Stream.of(Arguments.of(architecture, pooling, true), Arguments.of(architecture, pooling, false))));
    }

    @ParameterizedTest(name = "{0} {1} normalize={2}")
    @MethodSource("poolings")
    void poolingInTheGraphMatchesPyTorch(String architecture, String pooling, boolean normalize) throws Exception {
        try (AutoModelForEmbedding model = TestModels.load(models.resolve(architecture), pooling, normalize)) {
            ExportReport report = OnnxExporter.export(model, scratch.resolve("export"), ExportOptions.defaults());
            TokenBatch batch = model.tokenizer().tokenize(TestModels.TEXTS);
            assertThat(batch.lengths()).contains(batch.sequenceLength());
            assertThat(Arrays.stream(batch.lengths()).min().orElseThrow()).isLessThan(batch.sequenceLength() / 2);
            float[] expected;
            try (NDManager scope = model.newScope()) {
                expected = model.embed(batch, scope).toFloatArray();
            }
            float[] actual = OrtReference.run(report.onnxFile(), batch).get("sentence_embedding");
            assertThat(actual).hasSameSizeAs(expected);
            assertThat(VectorMath.maxAbsDifference(actual, expected)).isLessThanOrEqualTo(1e-5);
            assertThat(report.maxAbsDifference()).isLessThanOrEqualTo(1e-5);

            TokenBatch leftPadded = leftPadded(batch, model.tokenizer().padId());
            try (NDManager scope = model.newScope()) {
                expected = model.embed(leftPadded, scope).toFloatArray();
            }
            actual = OrtReference.run(report.onnxFile(), leftPadded).get("sentence_embedding");
            assertThat(VectorMath.maxAbsDifference(actual, expected)).as("left padding").isLessThanOrEqualTo(1e-5);
        }
    }

    /** The same texts with the padding moved in front of each row (as decoder-style tokenizers pad). */
    private static TokenBatch leftPadded(TokenBatch batch, long padId) {
        int width = batch.sequenceLength();
        long[][] ids = new long[batch.batchSize()][width];
        long[][] mask = new long[batch.batchSize()][width];
        long[][] types = new long[batch.batchSize()][width];
        int[] lengths = batch.lengths();
        for (int row = 0; row < ids.length; row++) {
            int shift = width - lengths[row];
            Arrays.fill(ids[row], padId);
            System.arraycopy(batch.inputIds()[row], 0, ids[row], shift, lengths[row]);
            System.arraycopy(batch.attentionMask()[row], 0, mask[row], shift, lengths[row]);
            System.arraycopy(batch.tokenTypeIds()[row], 0, types[row], shift, lengths[row]);
        }
        return new TokenBatch(ids, mask, types);
    }

    @Test
    void modelInTrainingModeIsExportedWithoutDropoutAndStaysInTraining() {
        try (AutoModelForEmbedding model = TestModels.load(models.resolve("bert"), "cls", true)) {
            model.train();
            ExportReport report = OnnxExporter.export(model, scratch.resolve("training"), ExportOptions.defaults());
            assertThat(report.maxAbsDifference()).isLessThanOrEqualTo(1e-5);
            assertThat(model.isTraining()).isTrue();
            model.eval();
        }
    }

    @Test
    void graphHasTheDocumentedInterfaceAndMetadata() {
        try (AutoModelForEmbedding bert = TestModels.load(models.resolve("bert"), "mean", true);
                AutoModelForEmbedding roberta = TestModels.load(models.resolve("xlm-roberta"), "cls", false)) {
            OnnxModel bertGraph = OnnxExporter.toOnnx(bert, ExportPrecision.FP32);
            assertThat(bertGraph.opsetImports().get(0).version()).isGreaterThanOrEqualTo(14);
            assertThat(bertGraph.graph().inputs()).extracting(input -> input.name())
                    .containsExactly("input_ids", "attention_mask", "token_type_ids");
            assertThat(bertGraph.graph().outputs()).extracting(output -> output.name())
                    .containsExactly("last_hidden_state", "sentence_embedding");
            assertThat(bertGraph.graph().inputs().get(0).shape()).allMatch(dimension -> !dimension.isFixed());
            assertThat(bertGraph.metadataProps()).containsEntry("retrievals.pooling", "mean").containsEntry("retrievals.normalize", "true");
            OnnxModel robertaGraph = OnnxExporter.toOnnx(roberta, ExportPrecision.FP16);
            assertThat(robertaGraph.graph().inputs()).extracting(input -> input.name()).containsExactly("input_ids", "attention_mask");
            assertThat(robertaGraph.graph().initializer("embeddings.word_embeddings.weight").orElseThrow().dataType())
                    .isEqualTo(OnnxDataType.FLOAT16);
        }
    }

    @Test
    void exportedFileLoadsBackAsWeights() throws Exception {
        for (String architecture : List.of("bert", "xlm-roberta")) {
            try (AutoModelForEmbedding model = TestModels.load(models.resolve(architecture), "mean", true)) {
                Path folder = scratch.resolve(architecture);
                OnnxExporter.export(model, folder, ExportOptions.defaults());
                float[][] expected = model.encode(TestModels.TEXTS);
                Path onlyOnnx = Files.createDirectories(scratch.resolve(architecture + "-onnx-only"));
                for (String file : List.of("model.onnx", "config.json", "tokenizer.json")) {
                    Files.copy(folder.resolve(file), onlyOnnx.resolve(file));
                }
                try (AutoModelForEmbedding reloaded = AutoModelForEmbedding.fromPretrained(onlyOnnx.resolve("model.onnx").toString(), "mean",
                        ModelOptions.defaults().withNormalize(true))) {
                    float[][] actual = reloaded.encode(TestModels.TEXTS);
                    for (int row = 0; row < expected.length; row++) {
                        assertThat(VectorMath.maxAbsDifference(actual[row], expected[row])).as(architecture).isLessThanOrEqualTo(1e-6);
                    }
                }
            }
        }
    }

    @Test
    void failedCheckLeavesNoOnnxFile() {
        try (AutoModelForEmbedding model = TestModels.load(models.resolve("bert"), "mean", false)) {
            Path folder = scratch.resolve("strict");
            ExportOptions impossible = ExportOptions.fp16().withBounds(1e-12, 1.0);
            assertThatThrownBy(() -> OnnxExporter.export(model, folder, impossible))
                    .isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("beyond the bounds")
                    .hasMessageContaining("no model.onnx");
            assertThat(folder.resolve("model.onnx")).doesNotExist();
            assertThat(folder.toFile().list()).noneMatch(name -> name.contains("model.onnx"));
        }
    }

    @Test
    void tokenizerLargerThanTheVocabularyIsRefused() throws Exception {
        Path folder = TestModels.tinyFolder(scratch.resolve("small-vocab"),
                TestModels.tinyBertConfig().replace("\"vocab_size\": 30522", "\"vocab_size\": 1000"), 3);
        // refused already when the model is loaded, before anything could be exported
        assertThatThrownBy(() -> TestModels.load(folder, "cls", false))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("does not fit")
                .hasMessageContaining("30521")
                .hasMessageContaining("1000 rows");
        assertThat(scratch.resolve("out")).doesNotExist();
    }

    @Test
    void invalidOptionsNameTheOptionAndTheRange() {
        assertThatThrownBy(() -> ExportOptions.defaults().withBounds(-1, 0.99))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("max_abs_difference").hasMessageContaining("-1");
        assertThatThrownBy(() -> ExportOptions.defaults().withBounds(1e-4, 1.5))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("min_cosine").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ExportOptions.defaults().withSampleTexts(List.of()))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("sample_texts");
    }
}
