package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.index.store.CorpusStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact retriever against brute force in plain Java: random vectors, ties, k beyond the corpus, any block size. */
class ExactRetrieverTest {
    @TempDir
    Path dir;

    /** Every document ranked by brute force: cosine summed in double, ties to the lower position. */
    private static List<SearchHit> bruteForce(float[][] corpus, float[] query, int k) {
        List<SearchHit> all = new ArrayList<>();
        for (int d = 0; d < corpus.length; d++) {
            all.add(new SearchHit(d, TestCorpora.cosine(query, corpus[d])));
        }
        all.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparingInt(SearchHit::document));
        return all.subList(0, Math.min(k, all.size()));
    }

    private static void assertSameRanking(List<SearchHit> actual, List<SearchHit> expected) {
        assertThat(actual).extracting(SearchHit::document).containsExactlyElementsOf(
                expected.stream().map(SearchHit::document).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).score()).isCloseTo(expected.get(i).score(), Offset.offset(1e-6));
        }
    }

    @Test
    void topKEqualsBruteForceForAnyBlockQueryBatchAndThreadCount() {
        float[][] corpus = TestCorpora.gaussian(300, 24, 1);
        float[][] queries = TestCorpora.gaussian(21, 24, 2);
        try (CorpusStore store = TestCorpora.ofVectors(dir.resolve("store"), corpus)) {
            for (ExactRetriever retriever : List.of(ExactRetriever.create(), ExactRetriever.of(7, 3, 2), ExactRetriever.of(1, 1, 1))) {
                try (SearchIndex index = retriever.index(store)) {
                    List<List<SearchHit>> results = index.search(SearchQueries.ofVectors(queries), 10);
                    assertThat(results).hasSize(queries.length);
                    for (int q = 0; q < queries.length; q++) {
                        assertSameRanking(results.get(q), bruteForce(corpus, queries[q], 10));
                    }
                }
            }
        }
    }

    @Test
    void tiesRankTheLowerPositionFirstAndKBeyondTheCorpusReturnsEveryDocument() {
        float[][] corpus = TestCorpora.gaussian(40, 8, 3);
        float[] twin = corpus[30].clone();
        corpus[4] = twin.clone();
        corpus[17] = new float[twin.length];
        for (int i = 0; i < twin.length; i++) {
            corpus[17][i] = twin[i] * 2; // same direction: the same cosine
        }
        float[][] queries = {twin, TestCorpora.gaussian(1, 8, 4)[0]};
        try (CorpusStore store = TestCorpora.ofVectors(dir.resolve("store"), corpus);
                SearchIndex index = ExactRetriever.of(5, 1, 1).index(store)) {
            List<List<SearchHit>> results = index.search(SearchQueries.ofVectors(queries), 1000);
            assertThat(results.get(0)).hasSize(40);
            assertThat(results.get(0).subList(0, 3)).extracting(SearchHit::document).containsExactly(4, 17, 30);
            // a cut inside the tied group keeps the lower positions, whatever the block order
            assertThat(index.search(SearchQueries.ofVectors(queries), 2).get(0)).extracting(SearchHit::document).containsExactly(4, 17);
            for (int q = 0; q < queries.length; q++) {
                assertSameRanking(results.get(q), bruteForce(corpus, queries[q], 1000));
            }
        }
    }

    @Test
    void aQueryOfAnotherDimensionIsRefusedAndThePluginIsFoundByName() {
        float[][] corpus = TestCorpora.gaussian(10, 8, 5);
        Retriever plugin = PluginRegistry.global().create(PluginKinds.RETRIEVER, "exact", Map.of("block_size", "3"));
        try (CorpusStore store = TestCorpora.ofVectors(dir.resolve("store"), corpus); SearchIndex index = plugin.index(store)) {
            assertThat(index.search(SearchQueries.ofVectors(new float[][] {corpus[2]}), 1).get(0).get(0).document()).isEqualTo(2);
            assertThatThrownBy(() -> index.search(SearchQueries.ofVectors(new float[][] {{1, 2, 3}}), 1))
                    .hasMessageContaining("A query vector has length 3; the corpus's have 8");
            assertThatThrownBy(() -> index.search(SearchQueries.ofTexts(List.of("text")), 1))
                    .hasMessageContaining("Retriever 'exact' searches by vector");
        }
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.RETRIEVER, "exact", Map.of("block_size", "0")))
                .hasMessageContaining("Option 'block_size'").hasMessageContaining("[1, +inf)");
    }
}
