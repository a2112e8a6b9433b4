package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import com.sun.net.httpserver.HttpServer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.hub.HubClient;
import dev.retrievals.pytorch.arch.ClassificationHead;
import java.util.concurrent.atomic.AtomicInteger;
import dev.retrievals.core.rerank.RankedDocument;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AutoModelForRankingTest {
    private static final List<String> QUERIES = List.of("what is a cross encoder", "short", "how do rerankers order documents");
    private static final List<String> DOCUMENTS = List.of("a model that reads the query and the document together",
            "a considerably longer document that makes the other pairs need padding in the batch", "by score");

    @TempDir
    Path temp;

    private static String configOf(String kind) {
        return switch (kind) {
            case "bert" -> TinyModels.bertConfig();
            case "roberta" -> TinyModels.robertaConfig();
            default -> TinyModels.xlmRobertaConfig();
        };
    }

    /** The token types the model reads: the pair's for BERT, none (zeros) for RoBERTa's single type. */
    private static long[] types(String kind, TokenBatch pairs, int row) {
        return kind.equals("bert") ? pairs.tokenTypeIds()[row] : new long[pairs.sequenceLength()];
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "xlm-roberta"})
    void pairLogitsMatchThePlainJavaReference(String kind) throws Exception {
        TinyRankerFolder tiny = new TinyRankerFolder(configOf(kind), 2, 11);
        Path folder = tiny.write(temp.resolve(kind));
        ReferenceEncoder reference = new ReferenceEncoder(tiny.encoderWeights, 8, 2, 2, 16, tiny.config.layerNormEps(),
                !kind.equals("bert"), tiny.config.padTokenId());
        try (AutoModelForRanking model = AutoModelForRanking.fromPretrained(folder.toString())) {
            assertThat(model.numLabels()).isEqualTo(2);
            TokenBatch pairs = model.pairTokenizer().tokenize(QUERIES, DOCUMENTS);
            assertThat(pairs.lengths()).doesNotHaveDuplicates();
            try (NDManager scope = model.newScope()) {
                NDArray logits = model.logits(pairs, scope);
                assertThat(logits.getShape().getShape()).containsExactly(3L, 2L);
                float[] actual = logits.toFloatArray();
                for (int row = 0; row < 3; row++) {
                    double[] expected = tiny.referenceLogits(reference, pairs.inputIds()[row], pairs.attentionMask()[row],
                            types(kind, pairs, row));
                    assertThat((double) actual[row * 2]).isCloseTo(expected[0], within(1e-4));
                    assertThat((double) actual[row * 2 + 1]).isCloseTo(expected[1], within(1e-4));
                }
            }
            float[] scores = model.score(QUERIES, DOCUMENTS);
            float[] probabilities = model.predict(QUERIES, DOCUMENTS, true);
            for (int row = 0; row < 3; row++) {
                double[] expected = tiny.referenceLogits(reference, pairs.inputIds()[row], pairs.attentionMask()[row],
                        types(kind, pairs, row));
                assertThat((double) scores[row]).as("score is the first label's logit").isCloseTo(expected[0], within(1e-4));
                assertThat((double) probabilities[row]).isCloseTo(1 / (1 + Math.exp(-expected[0])), within(1e-5));
            }
        }
    }

    @Test
    void rankOrdersDocumentsByTheirPairScore() throws Exception {
        Path folder = new TinyRankerFolder(TinyModels.bertConfig(), 1, 3).write(temp.resolve("ranker"));
        try (AutoModelForRanking model = AutoModelForRanking.fromPretrained(folder.toString())) {
            List<String> documents = List.of("alpha beta", "gamma", "delta epsilon zeta", "eta theta", "iota");
            float[] alone = new float[documents.size()];
            for (int i = 0; i < documents.size(); i++) {
                alone[i] = model.score(List.of("query text"), List.of(documents.get(i)))[0];
            }
            List<RankedDocument> ranked = model.rank("query text", documents);
            assertThat(ranked).hasSize(documents.size());
            for (int i = 0; i < ranked.size(); i++) {
                RankedDocument document = ranked.get(i);
                assertThat(document.document()).isEqualTo(documents.get(document.index()));
                assertThat(document.score()).isCloseTo(alone[document.index()], within(1e-5f));
                if (i > 0) {
                    assertThat(document.score()).isLessThanOrEqualTo(ranked.get(i - 1).score());
                }
            }
        }
    }

    @Test
    void savesAHuggingFaceSequenceClassificationFolderThatLoadsBack() throws Exception {
        TinyRankerFolder tiny = new TinyRankerFolder(TinyModels.bertConfig(), 1, 5);
        Path folder = tiny.write(temp.resolve("original"));
        Path saved = temp.resolve("saved");
        float[] before;
        try (AutoModelForRanking model = AutoModelForRanking.fromPretrained(folder.toString())) {
            before = model.score(QUERIES, DOCUMENTS);
            model.save(saved);
        }
        JsonObject config = JsonParser.parseString(Files.readString(saved.resolve("config.json"))).getAsJsonObject();
        assertThat(config.get("architectures").getAsJsonArray().get(0).getAsString()).isEqualTo("BertForSequenceClassification");
        assertThat(config.get("num_labels").getAsInt()).isEqualTo(1);
        assertThat(config.getAsJsonObject("id2label").get("0").getAsString()).isEqualTo("LABEL_0");
        assertThat(saved.resolve("modules.json")).as("not an embedding model's layout").doesNotExist();
        assertThat(SafetensorsFile.read(saved.resolve("model.safetensors")).names()).contains("bert.embeddings.word_embeddings.weight",
                "bert.encoder.layer.1.output.dense.weight", "bert.pooler.dense.weight", "classifier.weight", "classifier.bias");
        try (AutoModelForRanking reloaded = AutoModelForRanking.fromPretrained(saved.toString())) {
            float[] after = reloaded.score(QUERIES, DOCUMENTS);
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i]).isEqualTo(before[i]);
            }
        }
    }

    @Test
    void aHubIdLoadsTheRerankerThroughTheHubClient() throws Exception {
        Path folder = new TinyRankerFolder(TinyModels.xlmRobertaConfig(), 1, 12).write(temp.resolve("repo"));
        HttpServer server = HubModelLoadingTest.hub(folder, new AtomicInteger());
        try {
            HubClient client = HubClient.builder().environment(Map.of()).endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                    .cacheDir(temp.resolve("cache")).token(null).build();
            try (AutoModelForRanking fromHub = AutoModelForRanking.builder("org/tiny").hub(() -> client).build();
                    AutoModelForRanking local = AutoModelForRanking.fromPretrained(folder.toString())) {
                assertThat(fromHub.head()).isEqualTo(ClassificationHead.ROBERTA);
                assertThat(fromHub.score(QUERIES, DOCUMENTS)).containsExactly(local.score(QUERIES, DOCUMENTS));
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anEmbeddingModelIsRefusedUnlessANewHeadIsAskedFor() throws Exception {
        Path embedding = new TinyRankerFolder(TinyModels.bertConfig(), 1, 1).writeEmbeddingModel(temp.resolve("embedding"));
        assertThatThrownBy(() -> AutoModelForRanking.fromPretrained(embedding.toString()))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("is an embedding model, not a reranker")
                .hasMessageContaining("classifier.weight")
                .hasMessageContaining("train --task rerank");
        try (AutoModelForRanking started = AutoModelForRanking.builder(embedding.toString()).startHeadIfMissing(true).seed(4).build()) {
            assertThat(started.numLabels()).isEqualTo(1);
            assertThat(started.headWeights().all()).containsOnlyKeys("pooler.dense.weight", "pooler.dense.bias", "classifier.weight",
                    "classifier.bias");
            // a new head follows Hugging Face's initialisation: N(0, 0.02) weights, zero biases
            float[] weights = started.headWeights().get("classifier.weight").toFloatArray();
            double sumOfSquares = 0;
            for (float w : weights) {
                sumOfSquares += w * w;
            }
            assertThat(Math.sqrt(sumOfSquares / weights.length)).isBetween(0.01, 0.03);
            assertThat(started.headWeights().get("classifier.bias").toFloatArray()).containsOnly(0f);
            for (float score : started.score(QUERIES, DOCUMENTS)) {
                assertThat(score).isFinite();
            }
        }
    }

    @Test
    void initHeadReplacesTheClassifierAndKeepsTheEncoderAndPooler() throws Exception {
        TinyRankerFolder tiny = new TinyRankerFolder(TinyModels.bertConfig(), 1, 8);
        Path folder = tiny.write(temp.resolve("ranker"));
        try (AutoModelForRanking kept = AutoModelForRanking.fromPretrained(folder.toString());
                AutoModelForRanking replaced = AutoModelForRanking.builder(folder.toString()).initHead(true).numLabels(3).build()) {
            assertThat(replaced.numLabels()).isEqualTo(3);
            assertThat(replaced.headWeights().get("classifier.weight").getShape().getShape()).containsExactly(3L, 8L);
            assertThat(replaced.headWeights().get("pooler.dense.weight").toFloatArray())
                    .isEqualTo(kept.headWeights().get("pooler.dense.weight").toFloatArray());
            assertThat(replaced.headWeights().get("classifier.bias").toFloatArray()).containsOnly(0f);
            Map<String, NDArray> keptParameters = kept.parameters();
            replaced.parameters().forEach((name, array) -> {
                if (name.startsWith("bert.embeddings.")) {
                    assertThat(array.toFloatArray()).isEqualTo(keptParameters.get(name).toFloatArray());
                }
            });
        }
    }

    @Test
    void trainingModeAppliesDropoutAndRecordsGradientsForTheHead() throws Exception {
        Path folder = new TinyRankerFolder(TinyModels.bertConfig(), 1, 2).write(temp.resolve("ranker"));
        try (AutoModelForRanking model = AutoModelForRanking.fromPretrained(folder.toString())) {
            TokenBatch pairs = model.pairTokenizer().tokenize(QUERIES, DOCUMENTS);
            model.train();
            assertThat(model.trainableParameters()).containsKeys("bert.pooler.dense.weight", "classifier.weight");
            try (NDManager scope = model.newScope();
                    ai.djl.training.GradientCollector collector = scope.getEngine().newGradientCollector()) {
                collector.backward(model.logits(pairs, scope).sum());
            }
            try (NDManager scope = model.newScope()) {
                NDArray gradient = model.parameters().get("classifier.weight").getGradient();
                gradient.attach(scope);
                assertThat(gradient.abs().sum().getFloat()).isGreaterThan(0f);
            }
            model.eval();
            assertThat(model.isTraining()).isFalse();
        }
    }
}
