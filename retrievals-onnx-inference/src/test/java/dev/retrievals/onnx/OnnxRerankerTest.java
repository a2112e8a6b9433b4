package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.InPlaceCopy;
import dev.retrievals.core.rerank.RankedDocument;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.pytorch.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A reranker exported to ONNX and served by ONNX Runtime, against the PyTorch model it came from. */
class OnnxRerankerTest {
    @TempDir
    Path dir;

    private static final List<String> QUERIES = List.of("今天天气很好", "what is a reranker", "Embeddings", "mixed 中英文 query",
            "a much longer query about retrieval augmented generation and vector databases on the JVM", "短");
    private static final List<String> DOCUMENTS = List.of("The quick brown fox jumps over the lazy dog.", "a cross-encoder",
            "深度学习模型可以把文本变成向量，用于语义检索和问答系统。", "银行卡丢了怎么办", "ONNX Runtime", "如何在 Java 中微调 embedding 模型？");

    /** A reranker on a tiny encoder, with its head's weights redrawn at unit scale so the logits are far from zero. */
    private AutoModelForRanking reranker(String config, long seed) throws Exception {
        Path folder = TestModels.tinyFolder(dir.resolve("encoder-" + seed), config, seed);
        AutoModelForRanking model = AutoModelForRanking.builder(folder.toString()).startHeadIfMissing(true).build();
        Random random = new Random(seed);
        try (NDManager scope = model.newScope()) {
            for (NDArray weight : model.headWeights().all().values()) {
                float[] values = new float[(int) weight.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian();
                }
                InPlaceCopy.copy(scope.create(values, weight.getShape()), weight, "head weight");
            }
        }
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void onnxRuntimeScoresPairsAsThePyTorchModel(String kind) throws Exception {
        String config = kind.equals("bert") ? TestModels.tinyBertConfig() : TestModels.tinyXlmRobertaConfig();
        try (AutoModelForRanking model = reranker(config, kind.length())) {
            ExportReport report = OnnxRankerExporter.export(model, dir.resolve("export-" + kind), ExportOptions.defaults(), false);
            assertThat(report.maxAbsDifference()).isLessThan(1e-4);
            float[] expected = model.predict(QUERIES, DOCUMENTS, false);
            double spread = 0;
            for (float value : expected) {
                spread = Math.max(spread, Math.abs(value));
            }
            assertThat(spread).as("logits far from zero, so the comparison means something").isGreaterThan(0.5);
            try (OnnxReranker onnx = OnnxReranker.builder(dir.resolve("export-" + kind)).batchSize(4).build()) {
                float[] actual = onnx.score(QUERIES, DOCUMENTS);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("pair %d", i).isCloseTo(expected[i], within(1e-4f));
                }
                List<RankedDocument> ranked = onnx.rank(QUERIES.get(1), DOCUMENTS);
                float[] alone = model.predict(java.util.Collections.nCopies(DOCUMENTS.size(), QUERIES.get(1)), DOCUMENTS, false);
                for (int i = 0; i < ranked.size(); i++) {
                    assertThat(ranked.get(i).score()).isCloseTo(alone[ranked.get(i).index()], within(1e-4f));
                    if (i > 0) {
                        assertThat(ranked.get(i).score()).isLessThanOrEqualTo(ranked.get(i - 1).score());
                    }
                }
            }
        }
    }

    @Test
    void theSigmoidCanBeExportedInsideTheGraph() throws Exception {
        try (AutoModelForRanking model = reranker(TestModels.tinyBertConfig(), 3)) {
            OnnxRankerExporter.export(model, dir.resolve("sigmoid"), ExportOptions.defaults(), true);
            float[] logits = model.predict(QUERIES, DOCUMENTS, false);
            try (OnnxReranker onnx = OnnxReranker.builder(dir.resolve("sigmoid")).build()) {
                assertThat(onnx.sigmoidInGraph()).isTrue();
                float[] probabilities = onnx.score(QUERIES, DOCUMENTS);
                for (int i = 0; i < logits.length; i++) {
                    assertThat((double) probabilities[i]).isCloseTo(1 / (1 + Math.exp(-logits[i])), within(1e-5));
                }
                assertThatThrownBy(() -> onnx.predict(QUERIES, DOCUMENTS, false)).hasMessageContaining("applies the sigmoid");
            }
        }
    }

    @Test
    void concurrentCallersGetTheScoresOfOneCaller() throws Exception {
        try (AutoModelForRanking model = reranker(TestModels.tinyBertConfig(), 5)) {
            OnnxRankerExporter.export(model, dir.resolve("shared"), ExportOptions.defaults(), false);
        }
        try (OnnxReranker onnx = OnnxReranker.builder(dir.resolve("shared")).batchSize(2).build()) {
            float[] alone = onnx.score(QUERIES, DOCUMENTS);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit(() -> onnx.score(QUERIES, DOCUMENTS)));
                }
                for (Future<float[]> result : results) {
                    assertThat(result.get()).containsExactly(alone);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anEmbeddingModelsGraphIsNotAReranker() throws Exception {
        Path folder = TestModels.tinyFolder(dir.resolve("embedding"), TestModels.tinyBertConfig(), 1);
        try (var model = TestModels.load(folder, "cls", false)) {
            OnnxExporter.export(model, dir.resolve("embedding-export"), ExportOptions.defaults());
        }
        assertThatThrownBy(() -> OnnxReranker.builder(dir.resolve("embedding-export")).build())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("needs 'logits'").hasMessageContaining("OnnxEncoder");
        assertThat(Files.exists(dir.resolve("embedding-export/model.onnx"))).isTrue();
    }

    @Test
    void theExportedFolderLoadsBackAsAPyTorchReranker() throws Exception {
        float[] before;
        try (AutoModelForRanking model = reranker(TestModels.tinyBertConfig(), 6)) {
            before = model.score(QUERIES, DOCUMENTS);
            OnnxRankerExporter.export(model, dir.resolve("roundtrip"), ExportOptions.defaults(), false);
        }
        try (AutoModelForRanking loaded = AutoModelForRanking.builder(dir.resolve("roundtrip").toString())
                .modelOptions(ModelOptions.defaults()).build()) {
            assertThat(loaded.score(QUERIES, DOCUMENTS)).containsExactly(before);
        }
    }
}
