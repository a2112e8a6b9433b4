package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Top-k search against a full sort of cosines computed in plain double math. */
class ExactCosineSearchTest {

    @Test
    void findsTheBestDocumentsByCosineNotByDotProduct() {
        // The long vector (10, 10) has the largest dot product with (1, 0) but a cosine of only 0.707.
        float[][] documents = {{10, 10}, {2, 0}, {0, 3}, {1, -0.1f}};
        ExactCosineSearch search = new ExactCosineSearch(new float[][] {{1, 0}}, 3);
        search.add(documents);

        List<ExactCosineSearch.Hit> hits = search.hits(0);
        assertThat(hits).extracting(ExactCosineSearch.Hit::index).containsExactly(1, 3, 0);
        assertThat(hits.get(0).score()).isCloseTo(1, within(1e-7));
        assertThat(hits.get(1).score()).isCloseTo(1 / Math.sqrt(1 + 0.01), within(1e-7));
        assertThat(hits.get(2).score()).isCloseTo(Math.sqrt(0.5), within(1e-7));
    }

    @Test
    void equalScoresRankTheEarlierDocumentFirstWhateverTheChunking() {
        // Documents 1, 2 and 4 all have cosine 1 with the query; 0 and 3 have cosine 0.
        float[][] documents = {{0, 1}, {1, 0}, {5, 0}, {0, 2}, {3, 0}};
        for (int chunk = 1; chunk <= documents.length; chunk++) {
            ExactCosineSearch search = new ExactCosineSearch(new float[][] {{2, 0}}, 2);
            for (int start = 0; start < documents.length; start += chunk) {
                search.add(Arrays.copyOfRange(documents, start, Math.min(documents.length, start + chunk)));
            }
            assertThat(search.hits(0)).as("chunks of " + chunk).extracting(ExactCosineSearch.Hit::index).containsExactly(1, 2);
            assertThat(search.documentCount()).isEqualTo(5);
        }
    }

    @Test
    void chunkedSearchMatchesAFullSortForManyQueries() {
        Random random = new Random(3);
        float[][] queries = randomVectors(random, 7, 16);
        float[][] documents = randomVectors(random, 200, 16);
        ExactCosineSearch search = new ExactCosineSearch(queries, 10);
        for (int start = 0; start < documents.length; start += 64) {
            search.add(Arrays.copyOfRange(documents, start, Math.min(documents.length, start + 64)));
        }
        for (int q = 0; q < queries.length; q++) {
            double[] cosines = new double[documents.length];
            Integer[] order = new Integer[documents.length];
            for (int d = 0; d < documents.length; d++) {
                cosines[d] = PlainMath.cosine(queries[q], documents[d]);
                order[d] = d;
            }
            Arrays.sort(order, (a, b) -> Double.compare(cosines[b], cosines[a]));
            List<ExactCosineSearch.Hit> hits = search.hits(q);
            assertThat(hits).hasSize(10);
            for (int rank = 0; rank < 10; rank++) {
                assertThat(hits.get(rank).index()).isEqualTo(order[rank]);
                assertThat(hits.get(rank).score()).isCloseTo(cosines[order[rank]], within(1e-6));
            }
        }
    }

    @Test
    void fewerDocumentsThanKGiveEveryDocument() {
        ExactCosineSearch search = new ExactCosineSearch(new float[][] {{1, 0}}, 5);
        search.add(new float[][] {{0, 1}, {1, 1}});
        assertThat(search.hits(0)).extracting(ExactCosineSearch.Hit::index).containsExactly(1, 0);
    }

    @Test
    void refusesABadKAndMixedDimensions() {
        assertThatThrownBy(() -> new ExactCosineSearch(new float[][] {{1, 0}}, 0)).hasMessageContaining("k is 0");
        ExactCosineSearch search = new ExactCosineSearch(new float[][] {{1, 0}}, 1);
        assertThatThrownBy(() -> search.add(new float[][] {{1, 0, 0}})).hasMessageContaining("length 3; expected 2");
    }

    private static float[][] randomVectors(Random random, int count, int dimension) {
        float[][] vectors = new float[count][dimension];
        for (float[] vector : vectors) {
            for (int i = 0; i < dimension; i++) {
                vector[i] = (float) random.nextGaussian();
            }
        }
        return vectors;
    }
}
