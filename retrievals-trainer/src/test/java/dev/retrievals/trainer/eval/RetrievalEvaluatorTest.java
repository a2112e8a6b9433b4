package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieval evaluator on a five-document BEIR folder with 2-d vectors at known angles, so the
 * rankings and every metric can be worked out by hand:
 * <ul>
 *   <li>q1 = (1, 0) ranks d1 (10°), d3 (30°), d4 (60°), d2 (80°), d5 (100°); it judges d2 = 2,
 *       d3 = 1 and d9 = 1 (d9 is not in the corpus): three relevant documents;
 *   <li>q2 = (0, 1) ties d2 (80°) and d5 (100°) exactly; d2 comes first, being earlier in the
 *       corpus; it judges d5 = 1;
 *   <li>q3 judges only d1 = 0, so it has no relevant document and scores 0.
 * </ul>
 */
class RetrievalEvaluatorTest {
    private static final double LOG2_3 = 1.584962500721156;
    private static final double LOG2_5 = 2.321928094887362;

    @TempDir
    Path folder;

    @BeforeEach
    void writeFolder() throws IOException {
        Files.writeString(folder.resolve("corpus.jsonl"), """
                {"id": "d1", "title": "A", "text": "one"}
                {"_id": "d2", "title": "", "text": "two"}
                {"id": "d3", "text": "three"}
                {"id": "d4", "title": "B", "text": "four"}
                {"id": "d5", "title": "C", "text": "five"}
                """);
        Files.writeString(folder.resolve("queries.jsonl"), """
                {"id": "q0", "text": "never judged"}
                {"id": "q1", "text": "east"}
                {"id": "q2", "text": "north"}
                {"id": "q3", "text": "east again"}
                """);
        Files.createDirectory(folder.resolve("qrels"));
        Files.writeString(folder.resolve("qrels/test.tsv"),
                "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td5\t1\nq1\td2\t2\nq1\td9\t1\nq3\td1\t0\n");
    }

    /** Queries are looked up with {@code marker} in front of them (as a role-aware model's instruction would add). */
    private static StubEncoder encoder(String marker) {
        double r = Math.PI / 180;
        return new StubEncoder(marker)
                .put(marker + "east", 1, 0).put(marker + "north", 0, 1).put(marker + "east again", 2, 0)
                .put("A one", (float) Math.cos(10 * r), (float) Math.sin(10 * r))
                .put("two", (float) Math.cos(80 * r), (float) Math.sin(80 * r))
                .put("three", (float) Math.cos(30 * r), (float) Math.sin(30 * r))
                .put("B four", (float) Math.cos(60 * r), (float) Math.sin(60 * r))
                .put("C five", (float) -Math.cos(80 * r), (float) Math.sin(80 * r));
    }

    @Test
    void averagesEachMetricOverTheJudgedQueries() {
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder(folder).kValues(List.of(5, 1, 2)).primaryMetric("ndcg@5").build();

        EvaluationResult result = evaluator.evaluate(encoder("query: "));
        Map<String, Double> metrics = result.metrics();

        assertThat(evaluator.queryCount()).isEqualTo(3);
        assertThat(evaluator.corpusSize()).isEqualTo(5);
        assertThat(result.primaryMetric()).isEqualTo("ndcg@5");
        assertThat(result.higherIsBetter()).isTrue();
        // q1: hits d3 (gain 1) at rank 2 and d2 (gain 2) at rank 4; ideal gains 2, 1, 1.
        double q1Ndcg5 = (1 / LOG2_3 + 2 / LOG2_5) / (2 + 1 / LOG2_3 + 1 / 2.0);
        double q1Ndcg2 = (1 / LOG2_3) / (2 + 1 / LOG2_3);
        // q2: its only relevant document at rank 2 (after the tie is broken).
        double q2Ndcg = (1 / LOG2_3) / 1;
        assertThat(metrics.get("ndcg@5")).isCloseTo((q1Ndcg5 + q2Ndcg + 0) / 3, within(1e-7));
        assertThat(metrics.get("ndcg@2")).isCloseTo((q1Ndcg2 + q2Ndcg + 0) / 3, within(1e-7));
        assertThat(metrics.get("ndcg@1")).isEqualTo(0);
        assertThat(metrics.get("mrr@2")).isCloseTo((1 / 2.0 + 1 / 2.0 + 0) / 3, within(1e-12));
        assertThat(metrics.get("recall@2")).isCloseTo((1 / 3.0 + 1 + 0) / 3, within(1e-12));
        assertThat(metrics.get("recall@5")).isCloseTo((2 / 3.0 + 1 + 0) / 3, within(1e-12));
        assertThat(metrics.get("accuracy@2")).isCloseTo(2 / 3.0, within(1e-12));
        // MAP@5: q1 precision 1/2 at rank 2 and 2/4 at rank 4, over min(5, 3); q2 1/2 over 1.
        assertThat(metrics.get("map@5")).isCloseTo(((1 / 2.0 + 2 / 4.0) / 3 + 1 / 2.0 + 0) / 3, within(1e-12));
        assertThat(metrics.get("precision@5")).isCloseTo((2 / 5.0 + 1 / 5.0 + 0) / 3, within(1e-12));
        assertThat(metrics).hasSize(6 * 3);
    }

    @Test
    void aPlainEncoderWithAQueryPromptMatchesOneWithItsOwnPrompt() {
        StubEncoder roleAware = encoder("query: ");
        TextEncoder plain = new TextEncoder() {
            @Override
            public float[][] encode(List<String> texts) {
                return roleAware.encode(texts);
            }

            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public void close() {}
        };
        RetrievalEvaluator prefixed = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2")
                .prompts("query: ", "").build();
        RetrievalEvaluator unprefixed = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2").build();
        // The former option name query_prefix still sets the query prompt.
        Evaluator formerName = PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval",
                Map.of("path", folder.toString(), "k_values", "2", "primary_metric", "ndcg@2", "query_prefix", "query: "));

        Map<String, Double> expected = unprefixed.evaluate(roleAware).metrics();
        assertThat(expected.get("ndcg@2")).isPositive();
        assertThat(prefixed.evaluate(plain).metrics()).isEqualTo(expected);
        assertThat(formerName.evaluate(plain).metrics()).isEqualTo(expected);
        assertThatThrownBy(() -> unprefixed.evaluate(plain)).as("without the prompt the stub has no vector for the queries")
                .hasMessageContaining("No stub vector for 'east'");
    }

    @Test
    void corpusChunksDoNotChangeTheResult() {
        RetrievalEvaluator whole = RetrievalEvaluator.builder(folder).kValues(List.of(1, 2, 5)).primaryMetric("mrr@5").build();
        RetrievalEvaluator chunked = RetrievalEvaluator.builder(folder).kValues(List.of(1, 2, 5)).primaryMetric("mrr@5")
                .corpusChunkSize(2).batchSize(1).build();

        assertThat(chunked.evaluate(encoder("query: ")).metrics()).isEqualTo(whole.evaluate(encoder("query: ")).metrics());
    }

    @Test
    void anHnswRetrieverGivesTheExactMetricsOnASmallCorpusAndReportsItsRecallAgainstExact() {
        RetrievalEvaluator exact = RetrievalEvaluator.builder(folder).kValues(List.of(1, 2, 5)).primaryMetric("ndcg@5").build();
        RetrievalEvaluator hnsw = RetrievalEvaluator.builder(folder).kValues(List.of(1, 2, 5)).primaryMetric("ndcg@5")
                .retriever("hnsw", Map.of("ef_search", "50")).build();
        Map<String, Double> approximate = new java.util.LinkedHashMap<>(hnsw.evaluate(encoder("")).metrics());
        // a graph of a handful of documents searched with 50 candidates finds every neighbour
        assertThat(approximate).containsEntry("hnsw_recall@10", 1.0);
        approximate.remove("hnsw_recall@10");
        assertThat(approximate).isEqualTo(exact.evaluate(encoder("")).metrics());
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).retriever("annoy", Map.of()).build())
                .hasMessageContaining("annoy").hasMessageContaining("hnsw");
    }

    @Test
    void aCappedCorpusKeepsTheJudgedDocumentsOfTheEvaluatedQueries() {
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2")
                .maxQueries(1).maxCorpusSize(3).build();

        EvaluationResult result = evaluator.evaluate(encoder("query: "));

        // q1 judges d2, d3 and d9 (absent): no room for other documents, so the corpus is d2, d3.
        assertThat(evaluator.queryCount()).isEqualTo(1);
        assertThat(evaluator.corpusSize()).isEqualTo(2);
        assertThat(result.primary()).isCloseTo((1 + 2 / LOG2_3) / (2 + 1 / LOG2_3), within(1e-7));
    }

    @Test
    void theRegistryCreatesItFromTextOptions() {
        Evaluator evaluator = PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", Map.of(
                "path", folder.toString(), "k_values", "1, 2", "primary_metric", "mrr@2", "corpus_chunk_size", "3"));

        assertThat(evaluator.evaluate(encoder("query: ")).primary()).isCloseTo((1 / 2.0 + 1 / 2.0 + 0) / 3, within(1e-12));
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).kValues(List.of(1, 5)).build())
                .hasMessageContaining("Option 'primary_metric' of evaluator 'retrieval' is 'ndcg@10'; allowed: one of")
                .hasMessageContaining("ndcg@5");
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).kValues(List.of(1, 1)))
                .hasMessageContaining("lists 1 twice");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", Map.of(
                "path", folder.toString(), "k_values", "1,x")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'k_values' of evaluator 'retrieval' is 'x'; allowed: an integer in [1, +inf)");
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).split("dev").build())
                .hasMessageContaining("No qrels for split 'dev'")
                .hasMessageContaining("splits present: [test]");
    }

    @Test
    void aKeptStoreIsReusedAcrossSplitsForTheSameModelOnly(@TempDir Path work) throws IOException {
        Files.writeString(folder.resolve("qrels/dev.tsv"), "query-id\tcorpus-id\tscore\nq2\td5\t1\n");
        Path store = work.resolve("store");
        StubEncoder first = encoder("query: ");
        Map<String, Double> fresh = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2").build()
                .evaluate(encoder("query: ")).metrics();

        Map<String, Double> kept = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2").store(store, "model A")
                .build().evaluate(first).metrics();
        StubEncoder second = encoder("query: ");
        Map<String, Double> reused = RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2").store(store, "model A")
                .build().evaluate(second).metrics();
        StubEncoder devEncoder = encoder("query: ");
        double dev = RetrievalEvaluator.builder(folder).split("dev").kValues(List.of(2)).primaryMetric("ndcg@2").store(store, "model A")
                .build().evaluate(devEncoder).primary();
        StubEncoder otherModel = encoder("query: ");
        RetrievalEvaluator.builder(folder).kValues(List.of(2)).primaryMetric("ndcg@2").store(store, "model B").build()
                .evaluate(otherModel);

        assertThat(kept).isEqualTo(fresh);
        assertThat(reused).isEqualTo(fresh);
        // the first run encoded the 3 queries and the 5 documents; the reruns with model A only their queries
        assertThat(first.calls().stream().mapToInt(List::size).sum()).isEqualTo(3 + 5);
        assertThat(second.calls().stream().mapToInt(List::size).sum()).isEqualTo(3);
        assertThat(devEncoder.calls().stream().mapToInt(List::size).sum()).isEqualTo(1);
        assertThat(otherModel.calls().stream().mapToInt(List::size).sum()).isEqualTo(3 + 5);
        // dev: q2's only relevant document d5 at rank 2 (after the tie with d2)
        assertThat(dev).isCloseTo(1 / LOG2_3, within(1e-7));
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).store(store, " "))
                .hasMessageContaining("Option 'store' of evaluator 'retrieval' needs 'model_fingerprint'");
    }

    @Test
    void badDataNamesTheFileAndWhatIsWrong() throws IOException {
        Files.writeString(folder.resolve("qrels/unknown.tsv"), "query-id\tcorpus-id\tscore\nq7\td1\t1\n");
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).split("unknown").build())
                .hasMessageContaining("query-id 'q7' is judged in the qrels but not in " + folder.resolve("queries.jsonl"));

        Files.writeString(folder.resolve("qrels/graded.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0.5\n");
        assertThatThrownBy(() -> RetrievalEvaluator.builder(folder).split("graded").build())
                .hasMessageContaining(folder.resolve("qrels/graded.tsv") + " line 3")
                .hasMessageContaining("expected an integer relevance grade");
    }
}
