package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.testing.SciFactVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW against exact search: recall@10 on SciFact's real corpus and queries encoded by the bundled
 * all-MiniLM-L6-v2 at the default settings, int8 quantization on random vectors, and index reuse.
 */
class HnswRetrieverTest {
    @TempDir
    Path dir;

    /** The share of the exact top 10 that the approximate top 10 found, over all queries. */
    private static double recallAt10(List<List<SearchHit>> exact, List<List<SearchHit>> approximate) {
        long found = 0;
        long wanted = 0;
        for (int q = 0; q < exact.size(); q++) {
            Set<Integer> truth = new HashSet<>();
            exact.get(q).forEach(hit -> truth.add(hit.document()));
            wanted += truth.size();
            found += approximate.get(q).stream().filter(hit -> truth.contains(hit.document())).count();
        }
        return (double) found / wanted;
    }

    /** SciFact's first 1,500 abstracts and all 1,109 claims (see {@link SciFactVectors}); the full corpus is a benchmark. */
    @Test
    @Timeout(900)
    void recallAt10OnSciFactIsAtLeast98PercentAtTheDefaults() {
        List<String> texts = SciFactVectors.queryTexts();
        float[][] queries = SciFactVectors.queryVectors(texts);
        try (CorpusStore store = SciFactVectors.store();
                SearchIndex exact = ExactRetriever.create().index(store);
                SearchIndex hnsw = HnswRetriever.create().index(store)) {
            assertThat(store.size()).isEqualTo(SciFactVectors.DOCUMENTS);
            List<List<SearchHit>> truth = exact.search(SearchQueries.ofVectors(queries), 10);
            List<List<SearchHit>> found = hnsw.search(SearchQueries.ofVectors(queries), 10);
            double recall = recallAt10(truth, found);
            System.out.printf("hnsw recall@10 on SciFact (%d queries, %d documents): %.4f%n", queries.length, store.size(), recall);
            assertThat(recall).isGreaterThanOrEqualTo(0.98);
            // rescored: a document found by both has the exact score
            SearchHit first = found.get(0).get(0);
            truth.get(0).stream().filter(hit -> hit.document() == first.document()).findFirst()
                    .ifPresent(hit -> assertThat(first.score()).isEqualTo(hit.score()));
        }
    }

    @Test
    void int8QuantizedGraphsStillFindTheNeighboursAndAnIndexIsBuiltOnce() throws IOException {
        float[][] corpus = TestCorpora.gaussian(2000, 32, 11);
        float[][] queries = TestCorpora.gaussian(50, 32, 12);
        try (CorpusStore store = TestCorpora.ofVectors(dir.resolve("store"), corpus);
                SearchIndex exact = ExactRetriever.create().index(store)) {
            List<List<SearchHit>> truth = exact.search(SearchQueries.ofVectors(queries), 10);
            HnswRetriever int8 = HnswRetriever.of(16, 100, 200, "int8", true);
            try (SearchIndex quantized = int8.index(store)) {
                assertThat(recallAt10(truth, quantized.search(SearchQueries.ofVectors(queries), 10))).isGreaterThanOrEqualTo(0.9);
            }
            long built = indexFolders(store);
            try (SearchIndex again = int8.index(store)) {
                assertThat(again.search(SearchQueries.ofVectors(queries), 10)).hasSize(50);
            }
            assertThat(indexFolders(store)).isEqualTo(built).isEqualTo(1);
        }
    }

    private static long indexFolders(CorpusStore store) throws IOException {
        try (Stream<Path> entries = Files.list(store.indexFolder())) {
            return entries.filter(path -> path.getFileName().toString().startsWith("hnsw-")).count();
        }
    }
}
