package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link OnnxEncoder} on plain Hugging Face exports (the bundled models' original graphs, pooled in
 * Java) and on exported models (pooled in the graph): parity with the PyTorch model, batching and
 * input order against texts encoded one at a time, concurrent callers, settings, and errors.
 */
class OnnxEncoderTest {
    @TempDir
    static Path shared;

    static Path tinyExport;

    @TempDir
    Path scratch;

    @BeforeAll
    static void exportTinyModel() throws Exception {
        Path folder = TestModels.tinyFolder(shared.resolve("tiny"), TestModels.tinyBertConfig(), 7);
        try (AutoModelForEmbedding model = TestModels.load(folder, "mean", true)) {
            tinyExport = shared.resolve("tiny-export");
            OnnxExporter.export(model, tinyExport, ExportOptions.defaults());
        }
    }

    private Path original(String resource) throws Exception {
        return TestModels.original(resource, scratch);
    }

    @ParameterizedTest
    @CsvSource({"bge-small-zh-v1.5, bge-small-zh-v1.5, cls", "all-MiniLM-L6-v2, all-minilm-l6-v2, mean"})
    void plainHuggingFaceExportIsPooledInJava(String id, String resource, String pooling) throws Exception {
        Path folder = original(resource);
        float[][] expected;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            expected = model.encode(TestModels.TEXTS);
        }
        try (OnnxEncoder encoder = OnnxEncoder.builder(folder).pooling(pooling).normalize(true).batchSize(3).build()) {
            assertThat(encoder.poolsInGraph()).isFalse();
            float[][] actual = encoder.encode(TestModels.TEXTS);
            assertThat(encoder.dimension()).isEqualTo(expected[0].length);
            for (int row = 0; row < expected.length; row++) {
                assertThat(VectorMath.cosine(actual[row], expected[row])).as(TestModels.TEXTS.get(row)).isGreaterThanOrEqualTo(0.9999);
                assertThat(VectorMath.maxAbsDifference(actual[row], expected[row])).isLessThanOrEqualTo(1e-4);
            }
        }
        assertThatThrownBy(() -> OnnxEncoder.load(folder))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("no sentence_embedding").hasMessageContaining("pooling");
    }

    @Test
    void aTrainingRunFolderServesItsExport() throws Exception {
        Path run = scratch.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 1, \"loss\": 0.5}\n");
        assertThatThrownBy(() -> OnnxEncoder.load(run)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("has no ONNX export").hasMessageContaining("retrievals export --model " + run);
        try (var files = Files.list(tinyExport)) {
            Files.createDirectories(run.resolve("onnx"));
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, run.resolve("onnx").resolve(file.getFileName().toString()));
            }
        }
        try (OnnxEncoder direct = OnnxEncoder.load(tinyExport); OnnxEncoder viaRun = OnnxEncoder.load(run)) {
            assertThat(viaRun.encode(TestModels.TEXTS)).isDeepEqualTo(direct.encode(TestModels.TEXTS));
        }
    }

    @Test
    void batchesSortedByLengthComeBackInInputOrder() {
        List<String> texts = new ArrayList<>();
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            texts.add(TestModels.TEXTS.get(random.nextInt(TestModels.TEXTS.size())));
        }
        try (OnnxEncoder encoder = OnnxEncoder.builder(tinyExport).batchSize(4).showProgressBar(true).build()) {
            assertThat(encoder.poolsInGraph()).isTrue();
            List<float[]> alone = new ArrayList<>();
            for (String text : TestModels.TEXTS) {
                alone.add(encoder.encode(List.of(text))[0]);
            }
            float[][] batched = encoder.encode(texts);
            assertThat(batched.length).isEqualTo(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                float[] single = alone.get(TestModels.TEXTS.indexOf(texts.get(i)));
                assertThat(VectorMath.maxAbsDifference(batched[i], single)).as("text %d", i).isLessThanOrEqualTo(1e-5);
            }
            assertThat(encoder.encode(List.of()).length).isZero();
        }
    }

    @Test
    void concurrentCallersGetTheVectorsOfOneThread() throws Exception {
        Path folder = original("bge-small-zh-v1.5");
        try (OnnxEncoder encoder = OnnxEncoder.builder(folder).pooling("cls").normalize(true).batchSize(4).build()) {
            List<String> texts = new ArrayList<>(TestModels.TEXTS);
            texts.addAll(TestModels.TEXTS.stream().map(text -> text + " " + text).toList());
            float[][] expected = encoder.encode(texts);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[][]>> results = new ArrayList<>();
                List<List<String>> orders = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    List<String> shuffled = new ArrayList<>(texts);
                    Collections.shuffle(shuffled, new Random(thread));
                    orders.add(shuffled);
                    results.add(pool.submit(() -> encoder.encode(shuffled)));
                }
                for (int thread = 0; thread < 8; thread++) {
                    float[][] vectors = results.get(thread).get();
                    for (int i = 0; i < vectors.length; i++) {
                        float[] reference = expected[texts.indexOf(orders.get(thread).get(i))];
                        assertThat(VectorMath.maxAbsDifference(vectors[i], reference)).as("thread %d text %d", thread, i)
                                .isLessThanOrEqualTo(1e-5);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void threadsAndOptimisationLevelDoNotChangeTheVectors() {
        float[][] expected;
        try (OnnxEncoder encoder = OnnxEncoder.load(tinyExport)) {
            expected = encoder.encode(TestModels.TEXTS);
        }
        try (OnnxEncoder encoder = OnnxEncoder.builder(tinyExport.resolve("model.onnx")).intraOpThreads(1)
                .optimizationLevel(GraphOptimizationLevel.NONE).build()) {
            float[][] actual = encoder.encode(TestModels.TEXTS);
            for (int row = 0; row < expected.length; row++) {
                assertThat(VectorMath.maxAbsDifference(actual[row], expected[row])).isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void int32InputsAndJavaPoolingOnASyntheticGraph() throws Exception {
        // last_hidden_state = the token ids as floats, [b, s, 1]: mean pooling gives each text's mean token id.
        OnnxGraph.Builder graph = OnnxGraph.builder("ids_as_states");
        OnnxDimension batch = OnnxDimension.dynamic("batch");
        OnnxDimension sequence = OnnxDimension.dynamic("sequence");
        graph.input(OnnxValueInfo.tensor("input_ids", OnnxDataType.INT32, batch, sequence));
        graph.input(OnnxValueInfo.tensor("attention_mask", OnnxDataType.INT32, batch, sequence));
        String floats = graph.node("Cast", List.of("input_ids"), OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code()));
        String axes = graph.initializer(OnnxTensor.ofLongs("axes", new long[] {1}, 2L));
        graph.node(OnnxNode.of("unsqueeze", "Unsqueeze", List.of(floats, axes), List.of("last_hidden_state")));
        graph.output(OnnxValueInfo.tensor("last_hidden_state", OnnxDataType.FLOAT, batch, sequence, OnnxDimension.fixed(1)));
        Path file = scratch.resolve("ids.onnx");
        OnnxModel.of(graph.build(), 8, 17, "test").write(file);
        try (OnnxEncoder encoder = OnnxEncoder.builder(file).tokenizer(tinyExport.resolve("tokenizer.json")).pooling("mean")
                .batchSize(3).build()) {
            float[][] vectors = encoder.encode(TestModels.TEXTS);
            for (int row = 0; row < TestModels.TEXTS.size(); row++) {
                long[] ids = encoder.tokenizer().ids(TestModels.TEXTS.get(row));
                double mean = Arrays.stream(ids).average().orElseThrow();
                assertThat((double) vectors[row][0]).as(TestModels.TEXTS.get(row)).isCloseTo(mean, Offset.offset(mean * 1e-6));
            }
        }
    }

    @Test
    void huggingFaceFolderLayoutWithTheGraphInOnnxSubfolder() throws Exception {
        Path folder = scratch.resolve("hub-layout");
        Files.createDirectories(folder.resolve("onnx"));
        Files.copy(tinyExport.resolve("model.onnx"), folder.resolve("onnx").resolve("model.onnx"));
        Files.copy(tinyExport.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        try (OnnxEncoder fromHub = OnnxEncoder.load(folder); OnnxEncoder fromExport = OnnxEncoder.load(tinyExport)) {
            float[][] expected = fromExport.encode(TestModels.TEXTS);
            float[][] actual = fromHub.encode(TestModels.TEXTS);
            for (int row = 0; row < expected.length; row++) {
                assertThat(VectorMath.maxAbsDifference(actual[row], expected[row])).isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void fileThatIsNotOnnxIsNamed() throws Exception {
        Path folder = Files.createDirectories(scratch.resolve("broken"));
        Files.writeString(folder.resolve("model.onnx"), "{\"this\": \"is json, not ONNX\"}", StandardCharsets.UTF_8);
        Files.copy(tinyExport.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        assertThatThrownBy(() -> OnnxEncoder.load(folder))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining(folder.resolve("model.onnx").toString())
                .hasMessageContaining("not a valid ONNX model");
    }

    @Test
    void graphWithoutTheTokenInputsIsRefused() throws Exception {
        OnnxGraph.Builder graph = OnnxGraph.builder("not_a_text_encoder");
        graph.input(OnnxValueInfo.tensor("pixels", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"), OnnxDimension.fixed(3),
                OnnxDimension.fixed(4)));
        graph.node(OnnxNode.of("identity", "Identity", List.of("pixels"), List.of("last_hidden_state")));
        graph.output(OnnxValueInfo.tensor("last_hidden_state", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"), OnnxDimension.fixed(3),
                OnnxDimension.fixed(4)));
        Path file = scratch.resolve("pixels.onnx");
        OnnxModel.of(graph.build(), 8, 17, "test").write(file);
        assertThatThrownBy(() -> OnnxEncoder.builder(file).tokenizer(tinyExport.resolve("tokenizer.json")).pooling("mean").build())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("pixels").hasMessageContaining("input_ids");
    }

    @Test
    void tokenizerThatDoesNotFitTheVocabularyIsRefused() throws Exception {
        Path folder = original("bge-small-zh-v1.5");
        Path miniLmTokenizer = scratch.resolve("minilm-tokenizer.json");
        Files.write(miniLmTokenizer, TestModels.resource("/all-minilm-l6-v2-tokenizer.json"));
        assertThatThrownBy(() -> OnnxEncoder.builder(folder).tokenizer(miniLmTokenizer).pooling("cls").build())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("does not fit").hasMessageContaining("21128 rows");
    }

    @Test
    void invalidSettingsNameTheOption() {
        assertThatThrownBy(() -> OnnxEncoder.builder(tinyExport).batchSize(0))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("batch_size").hasMessageContaining("[1, +inf)");
        assertThatThrownBy(() -> OnnxEncoder.builder(tinyExport).intraOpThreads(-1))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("intra_op_threads");
        assertThatThrownBy(() -> OnnxEncoder.builder(tinyExport).pooling("median"))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("median");
        assertThatThrownBy(() -> OnnxEncoder.load(scratch.resolve("missing")))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> OnnxEncoder.builder(tinyExport).device("cuda"))
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("Device 'cuda' is not valid");
    }

    @Test
    void aGpuWithOnnxRuntimesCpuBuildIsAClearError() {
        // The tests run with ONNX Runtime's CPU build (no CUDA execution provider), as on a machine without a GPU.
        assertThatThrownBy(() -> OnnxEncoder.builder(tinyExport).device("gpu:0").build())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("Device 'gpu:0' needs ONNX Runtime's GPU build")
                .hasMessageContaining("onnxruntime_gpu");
        try (OnnxEncoder encoder = OnnxEncoder.builder(tinyExport).device("cpu").build()) {
            assertThat(encoder.encode(TestModels.TEXTS)).hasNumberOfRows(TestModels.TEXTS.size());
        }
    }

    /** The PyTorch model's query and document vectors of the same texts. */
    private record PyTorchVectors(float[][] queries, float[][] documents) {}

    /** Writes a tiny BERT ({@code seed}) with {@code options}, exports it to {@code export}, and encodes {@code texts} with it in PyTorch. */
    private PyTorchVectors exportTinyModel(String name, long seed, ModelOptions options, Path export, List<String> texts) throws Exception {
        Path tiny = TestModels.tinyFolder(scratch.resolve(name), TestModels.tinyBertConfig(), seed);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean", options)) {
            OnnxExporter.export(model, export, ExportOptions.defaults());
            return new PyTorchVectors(model.encodeQueries(texts), model.encodeDocuments(texts));
        }
    }

    @Test
    void anExportKeepsTheModelsPromptsForQueriesAndDocuments() throws Exception {
        Path export = scratch.resolve("export-prompts");
        List<String> texts = TestModels.TEXTS.subList(0, 3);
        PyTorchVectors pytorch = exportTinyModel("tiny-prompts", 7,
                ModelOptions.defaults().withNormalize(true).withPrompts("query: ", "passage: "), export, texts);
        float[][] pytorchQueries = pytorch.queries();
        float[][] pytorchDocuments = pytorch.documents();
        try (OnnxEncoder encoder = OnnxEncoder.load(export)) {
            assertThat(encoder.queryPrompt()).isEqualTo("query: ");
            assertThat(encoder.documentPrompt()).isEqualTo("passage: ");
            float[][] queries = encoder.encodeQueries(texts);
            float[][] documents = encoder.encodeDocuments(texts);
            float[][] prefixed = encoder.encode(texts.stream().map(text -> "query: " + text).toList());
            float[][] plain = encoder.encode(texts);
            for (int row = 0; row < texts.size(); row++) {
                assertThat(queries[row]).containsExactly(prefixed[row]);
                assertThat(VectorMath.maxAbsDifference(queries[row], pytorchQueries[row])).isLessThan(1e-5);
                assertThat(VectorMath.maxAbsDifference(documents[row], pytorchDocuments[row])).isLessThan(1e-5);
                assertThat(VectorMath.maxAbsDifference(queries[row], plain[row])).as("the prompt changes the vector").isGreaterThan(1e-3);
            }
        }
        try (OnnxEncoder encoder = OnnxEncoder.builder(export).prompts("", "").build()) {
            assertThat(encoder.encodeQueries(texts)).isDeepEqualTo(encoder.encode(texts));
        }
        Files.writeString(export.resolve("config_sentence_transformers.json"), "{\"prompts\": {\"query\": 7}}");
        assertThatThrownBy(() -> OnnxEncoder.load(export)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("config_sentence_transformers.json").hasMessageContaining("prompts.query");
    }

    @Test
    void anExportWithIncludePromptFalsePoolsWithoutThePromptTokensAsThePyTorchModelDoes() throws Exception {
        Path export = scratch.resolve("export-masked");
        List<String> texts = TestModels.TEXTS.subList(0, 3);
        PyTorchVectors pytorch = exportTinyModel("tiny-masked", 11,
                ModelOptions.defaults().withNormalize(true).withPrompts("query: ", "Represent this passage: ").withIncludePrompt(false),
                export, texts);
        float[][] pytorchQueries = pytorch.queries();
        float[][] pytorchDocuments = pytorch.documents();
        try (OnnxEncoder encoder = OnnxEncoder.load(export);
                OnnxEncoder including = OnnxEncoder.builder(export).includePrompt(true).build()) {
            assertThat(encoder.prompts().includePrompt()).isFalse();
            assertThat(encoder.poolsInGraph()).as("the graph's own pooling would count the prompt").isFalse();
            assertThat(including.poolsInGraph()).isTrue();
            float[][] queries = encoder.encodeQueries(texts);
            float[][] documents = encoder.encodeDocuments(texts);
            float[][] queriesWithPrompt = including.encodeQueries(texts);
            float[][] plain = encoder.encode(texts);
            float[][] plainInGraph = including.encode(texts);
            for (int row = 0; row < texts.size(); row++) {
                assertThat(VectorMath.maxAbsDifference(queries[row], pytorchQueries[row])).isLessThan(1e-5);
                assertThat(VectorMath.maxAbsDifference(documents[row], pytorchDocuments[row])).isLessThan(1e-5);
                assertThat(VectorMath.maxAbsDifference(queries[row], queriesWithPrompt[row])).as("leaving the prompt out matters")
                        .isGreaterThan(1e-3);
                assertThat(VectorMath.maxAbsDifference(plain[row], plainInGraph[row])).as("texts without a prompt pool as the graph does")
                        .isLessThan(1e-5);
            }
        }
    }
}
