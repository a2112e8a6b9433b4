package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.rerank.PairScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-built toy whose right order is known: the first stage (hand-picked vectors) ranks each
 * query's relevant documents low, a word-overlap reranker puts them first; the metrics of both
 * rankings are worked out from their definitions.
 */
class RerankingEvaluatorTest {
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    @TempDir
    Path folder;

    /** Scores a pair by the number of distinct query words the document contains: a real, if simple, reranker. */
    static final class WordOverlapScorer implements PairScorer {
        int pairsScored;

        @Override
        public float[] score(List<String> queries, List<String> documents) {
            float[] scores = new float[queries.size()];
            for (int i = 0; i < scores.length; i++) {
                Set<String> words = new HashSet<>(Arrays.asList(documents.get(i).split(" ")));
                for (String word : new HashSet<>(Arrays.asList(queries.get(i).split(" ")))) {
                    scores[i] += words.contains(word) ? 1 : 0;
                }
            }
            pairsScored += scores.length;
            return scores;
        }

        @Override
        public void close() {}
    }

    @BeforeEach
    void writeFolder() throws IOException {
        Files.writeString(folder.resolve("corpus.jsonl"), """
                {"id": "d1", "text": "banana bread"}
                {"id": "d2", "text": "apple juice"}
                {"id": "d3", "text": "apple pie recipe easy"}
                {"id": "d4", "text": "car engine repair manual"}
                {"id": "d5", "text": "car wash"}
                """);
        Files.writeString(folder.resolve("queries.jsonl"), """
                {"id": "q1", "text": "apple pie recipe"}
                {"id": "q2", "text": "car engine repair"}
                """);
        Files.createDirectory(folder.resolve("qrels"));
        Files.writeString(folder.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td4\t2\nq2\td5\t1\n");
    }

    /** First stage: q1 = (1, 0) ranks d1 > d2 > d3 > d4 > d5 by cosine; q2 = (0, 1) the reverse. */
    private static StubEncoder firstStage() {
        return new StubEncoder().put("apple pie recipe", 1, 0).put("car engine repair", 0, 1)
                .put("banana bread", 1, 0.1f).put("apple juice", 1, 0.3f).put("apple pie recipe easy", 1, 0.6f)
                .put("car engine repair manual", 1, 1).put("car wash", 1, 2);
    }

    @Test
    void rerankingTheTopThreePutsTheRelevantDocumentsFirstAndReportsBothStages() {
        StubEncoder encoder = firstStage();
        RerankingEvaluator evaluator = RerankingEvaluator.builder(folder, encoder).topK(3).build();
        WordOverlapScorer reranker = new WordOverlapScorer();
        EvaluationResult result = evaluator.evaluate(reranker);
        Map<String, Double> metrics = result.metrics();
        assertThat(result.primaryMetric()).isEqualTo("ndcg@10");
        assertThat(reranker.pairsScored).isEqualTo(6);
        // first stage: q1 [d1, d2, d3] (relevant d3 at rank 3); q2 [d5, d4, d3] (d4 gain 2 at rank 2, d5 gain 1 at rank 1)
        double ndcgQ1 = (1 / 2.0) / 1;
        double ndcgQ2 = (1 + 2 / LOG2_3) / (2 + 1 / LOG2_3);
        assertThat(metrics.get("first_stage_ndcg@10")).isCloseTo((ndcgQ1 + ndcgQ2) / 2, within(1e-9));
        assertThat(metrics.get("first_stage_mrr@10")).isCloseTo((1.0 / 3 + 1) / 2, within(1e-9));
        assertThat(metrics.get("first_stage_map@3")).isCloseTo((1.0 / 3 + 1) / 2, within(1e-9));
        // reranked by word overlap: q1 [d3, d2, d1], q2 [d4, d5, d3]: both ideal
        assertThat(metrics.get("ndcg@10")).isCloseTo(1.0, within(1e-9));
        assertThat(metrics.get("mrr@10")).isCloseTo(1.0, within(1e-9));
        assertThat(metrics.get("map@3")).isCloseTo(1.0, within(1e-9));

        int encoderCalls = encoder.calls().size();
        evaluator.evaluate(reranker);
        assertThat(encoder.calls()).as("the first stage runs once").hasSize(encoderCalls);
    }

    @Test
    void aRelevantDocumentBeyondTheTopKCannotBeRecovered() {
        // top 2 of q1 is [d1, d2]: the relevant d3 never reaches the reranker
        Map<String, Double> metrics = RerankingEvaluator.builder(folder, firstStage()).topK(2).build()
                .evaluate(new WordOverlapScorer()).metrics();
        double ndcgQ2 = 1.0; // [d4, d5] after reranking
        assertThat(metrics.get("ndcg@10")).isCloseTo((0 + ndcgQ2) / 2, within(1e-9));
    }

    @Test
    void anEmbeddingModelIsNotWhatItEvaluates() {
        RerankingEvaluator evaluator = RerankingEvaluator.builder(folder, firstStage()).build();
        assertThatThrownBy(() -> evaluator.evaluate(firstStage())).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("evaluates a reranker").hasMessageContaining("embedding model");
        assertThatThrownBy(() -> RerankingEvaluator.builder(folder, firstStage()).topK(0)).hasMessageContaining("top_k");
    }
}
