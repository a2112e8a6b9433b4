package dev.retrievals.trainer.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ranking metrics on small rankings, against values worked out by hand. The main query has three
 * relevant documents (d2, d4 and d9, which is never retrieved), so at k = 2 it has more relevant
 * documents than the cutoff.
 */
class RankingMetricTest {
    private static final double EPS = 1e-12;
    private static final List<String> RANKING = List.of("d1", "d2", "d3", "d4", "d5");
    private static final Map<String, Integer> BINARY = Map.of("d2", 1, "d4", 1, "d9", 1);

    @Test
    void mrrIsTheReciprocalRankOfTheFirstRelevantDocumentWithinK() {
        assertThat(RankingMetric.MRR.at(RANKING, BINARY, 1)).isEqualTo(0);
        assertThat(RankingMetric.MRR.at(RANKING, BINARY, 2)).isCloseTo(1 / 2.0, within(EPS));
        assertThat(RankingMetric.MRR.at(RANKING, BINARY, 5)).isCloseTo(1 / 2.0, within(EPS));
    }

    @Test
    void recallDividesTheHitsByAllRelevantDocuments() {
        assertThat(RankingMetric.RECALL.at(RANKING, BINARY, 2)).isCloseTo(1 / 3.0, within(EPS));
        assertThat(RankingMetric.RECALL.at(RANKING, BINARY, 5)).isCloseTo(2 / 3.0, within(EPS));
        assertThat(RankingMetric.RECALL.at(RANKING, BINARY, 100)).isCloseTo(2 / 3.0, within(EPS));
    }

    @Test
    void precisionDividesTheHitsByK() {
        assertThat(RankingMetric.PRECISION.at(RANKING, BINARY, 5)).isCloseTo(2 / 5.0, within(EPS));
        assertThat(RankingMetric.PRECISION.at(RANKING, BINARY, 10)).isCloseTo(2 / 10.0, within(EPS));
    }

    @Test
    void accuracyIsOneWhenAnyRelevantDocumentIsWithinK() {
        assertThat(RankingMetric.ACCURACY.at(RANKING, BINARY, 1)).isEqualTo(0);
        assertThat(RankingMetric.ACCURACY.at(RANKING, BINARY, 2)).isEqualTo(1);
    }

    @Test
    void mapSumsPrecisionAtEachHitAndDividesByTheSmallerOfKAndTheRelevantCount() {
        // Hits at ranks 2 and 4: precision 1/2 and 2/4.
        assertThat(RankingMetric.MAP.at(RANKING, BINARY, 5)).isCloseTo((1 / 2.0 + 2 / 4.0) / 3, within(EPS));
        // k = 2 < 3 relevant: only the hit at rank 2 counts, divided by k.
        assertThat(RankingMetric.MAP.at(RANKING, BINARY, 2)).isCloseTo((1 / 2.0) / 2, within(EPS));
    }

    @Test
    void ndcgDividesByTheIdealOverAllRelevantDocumentsTruncatedAtK() {
        double log2of3 = 1.584962500721156;
        double log2of5 = 2.321928094887362;
        // Hits at ranks 2 and 4 (discounts log2(3), log2(5)); ideal: three relevant documents at ranks 1, 2, 3.
        double dcg5 = 1 / log2of3 + 1 / log2of5;
        double ideal5 = 1 + 1 / log2of3 + 1 / 2.0;
        assertThat(RankingMetric.NDCG.at(RANKING, BINARY, 5)).isCloseTo(dcg5 / ideal5, within(EPS));
        // k = 2: the ideal holds only two of the three relevant documents.
        assertThat(RankingMetric.NDCG.at(RANKING, BINARY, 2)).isCloseTo((1 / log2of3) / (1 + 1 / log2of3), within(EPS));
    }

    @Test
    void ndcgUsesGradedRelevanceAsTheGain() {
        double log2of3 = 1.584962500721156;
        Map<String, Integer> graded = Map.of("a", 3, "b", 1, "c", 2, "z", 0);
        List<String> ranking = List.of("b", "z", "a", "x");
        // DCG@3: b (1) at rank 1, z (0) at rank 2, a (3) at rank 3 -> 1 + 0 + 3/2.
        // Ideal@3: 3, 2, 1 -> 3 + 2/log2(3) + 1/2.
        double expected = (1 + 3 / 2.0) / (3 + 2 / log2of3 + 1 / 2.0);

        assertThat(RankingMetric.NDCG.at(ranking, graded, 3)).isCloseTo(expected, within(EPS));
        // Relevance 0 is not relevant: three relevant documents, one retrieved in the top 2.
        assertThat(RankingMetric.RECALL.at(ranking, graded, 2)).isCloseTo(1 / 3.0, within(EPS));
        assertThat(RankingMetric.MRR.at(List.of("z", "c"), graded, 2)).isCloseTo(1 / 2.0, within(EPS));
    }

    @Test
    void aPerfectRankingScoresOneOnEveryMetricButPrecisionBeyondTheRelevantCount() {
        List<String> perfect = List.of("d2", "d4", "d9", "d1");
        for (RankingMetric metric : RankingMetric.values()) {
            double expected = metric == RankingMetric.PRECISION ? 3 / 4.0 : 1;
            assertThat(metric.at(perfect, BINARY, 4)).as(metric.label(4)).isCloseTo(expected, within(EPS));
        }
    }

    @Test
    void aQueryWithoutRelevantDocumentsScoresZero() {
        for (RankingMetric metric : RankingMetric.values()) {
            assertThat(metric.at(RANKING, Map.of("d1", 0), 3)).as(metric.label(3)).isEqualTo(0);
        }
    }

    @Test
    void aRankingShorterThanKIsPaddedWithNonRelevantDocuments() {
        List<String> shortRanking = List.of("d4");
        assertThat(RankingMetric.RECALL.at(shortRanking, BINARY, 10)).isCloseTo(1 / 3.0, within(EPS));
        assertThat(RankingMetric.MAP.at(shortRanking, BINARY, 10)).isCloseTo(1 / 3.0, within(EPS));
    }

    @Test
    void labelsAndBadCutoffs() {
        assertThat(RankingMetric.NDCG.label(10)).isEqualTo("ndcg@10");
        assertThat(RankingMetric.ACCURACY.label(1)).isEqualTo("accuracy@1");
        assertThatThrownBy(() -> RankingMetric.MRR.at(RANKING, BINARY, 0)).hasMessageContaining("Cutoff k is 0");
    }
}
