package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.RetrievalsException;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.InMemoryCorpus;
import dev.retrievals.index.testing.SciFactVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW against exact search: recall@10 on SciFact's real corpus and queries encoded by the bundled
 * all-MiniLM-L6-v2 at the default settings, int8 quantization on random vectors, index reuse, and
 * graphs built by several threads against brute-force search computed here.
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

    /** The best 10 corpus positions for each query by brute force over the raw vectors (cosine in double; ties: lower position). */
    private static List<List<SearchHit>> bruteForceTop10(float[][] corpus, float[][] queries) {
        List<List<SearchHit>> top = new ArrayList<>();
        for (float[] query : queries) {
            List<SearchHit> all = new ArrayList<>();
            for (int d = 0; d < corpus.length; d++) {
                all.add(new SearchHit(d, TestCorpora.cosine(query, corpus[d])));
            }
            all.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparingInt(SearchHit::document));
            top.add(all.subList(0, 10));
        }
        return top;
    }

    /** Every hit is a corpus position scored with its exact cosine (to float rounding of the stored unit vectors). */
    private static void assertExactlyScored(List<List<SearchHit>> found, float[][] corpus, float[][] queries) {
        for (int q = 0; q < queries.length; q++) {
            assertThat(found.get(q)).hasSize(10);
            for (SearchHit hit : found.get(q)) {
                assertThat(hit.document()).isBetween(0, corpus.length - 1);
                assertThat(hit.score()).isCloseTo(TestCorpora.cosine(queries[q], corpus[hit.document()]), within(1e-5));
            }
        }
    }

    private static List<String> buildThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(HnswRetriever.BUILD_THREAD_PREFIX)).toList();
    }

    /**
     * 3,000 random vectors indexed with one and with two build threads (two stores of the same
     * vectors, so each builds its own index), searched by 300 queries: every hit carries its exact
     * cosine; with a shallow search (ef_search 10, where the one-thread graph finds about three
     * quarters of the brute-force top 10, so a worse graph shows) the two-thread graph's recall is
     * within 0.05 of the one-thread graph's; at the default ef_search both find at least 99 %; and
     * searched deeply (ef_search 1,000) both return exactly the brute-force ids and scores. The
     * build threads are gone afterwards.
     */
    @Test
    void twoBuildThreadsGiveTheRecallAndTheExactScoresOfOne() {
        float[][] corpus = TestCorpora.gaussian(3000, 32, 21);
        float[][] queries = TestCorpora.gaussian(300, 32, 22);
        List<List<SearchHit>> truth = bruteForceTop10(corpus, queries);
        try (CorpusStore oneStore = TestCorpora.ofVectors(dir.resolve("one"), corpus);
                CorpusStore twoStore = TestCorpora.ofVectors(dir.resolve("two"), corpus)) {
            double[] recall = new double[2];
            for (int threads = 1; threads <= 2; threads++) {
                CorpusStore store = threads == 1 ? oneStore : twoStore;
                try (SearchIndex shallow = HnswRetriever.of(16, 100, 10, "none", true, threads).index(store);
                        SearchIndex standard = HnswRetriever.of(16, 100, 100, "none", true, threads).index(store);
                        SearchIndex deep = HnswRetriever.of(16, 100, 1000, "none", true, threads).index(store)) {
                    assertThat(buildThreads()).isEmpty();
                    List<List<SearchHit>> found = shallow.search(SearchQueries.ofVectors(queries), 10);
                    assertExactlyScored(found, corpus, queries);
                    recall[threads - 1] = recallAt10(truth, found);
                    assertThat(recallAt10(truth, standard.search(SearchQueries.ofVectors(queries), 10))).isGreaterThanOrEqualTo(0.99);
                    List<List<SearchHit>> exact = deep.search(SearchQueries.ofVectors(queries), 10);
                    for (int q = 0; q < queries.length; q++) {
                        assertThat(exact.get(q)).extracting(SearchHit::document)
                                .containsExactlyElementsOf(truth.get(q).stream().map(SearchHit::document).toList());
                    }
                    assertExactlyScored(exact, corpus, queries);
                }
            }
            System.out.printf("hnsw recall@10 at ef_search 10 on 3,000 random vectors: 1 build thread %.4f, 2 build threads %.4f%n",
                    recall[0], recall[1]);
            assertThat(recall[1]).isGreaterThanOrEqualTo(recall[0] - 0.05);
            assertThat(recall[0]).isBetween(0.5, 0.95); // shallow enough to tell graphs apart
        }
    }

    /** A non-finite vector stops a two-thread build with one line naming it; no build thread, index or staging folder is left. */
    @Test
    void anInvalidVectorFailsTheBuildAndLeavesNoThreadsOrFolders() throws IOException {
        float[][] corpus = Vectors.units(TestCorpora.gaussian(5000, 16, 31));
        corpus[4321][7] = Float.NaN;
        Path folder = dir.resolve("nan-index");
        InMemoryCorpus withNaN = InMemoryCorpus.ofUnitVectors(corpus, folder);
        assertThatThrownBy(() -> HnswRetriever.of(16, 100, 100, "none", true, 2).index(withNaN))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("corpus vector 4321")
                .hasMessageContaining("non-finite value NaN at dimension 7")
                .hasMessageNotContaining("\n");
        assertThat(buildThreads()).isEmpty();
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aNegativeThreadCountIsRefusedByName() {
        assertThatThrownBy(() -> HnswRetriever.of(16, 100, 100, "none", true, -1))
                .hasMessageContaining("threads").hasMessageContaining("-1");
    }

    @Test
    void withThreadsChangesOnlyTheThreadCount() {
        HnswRetriever custom = HnswRetriever.of(8, 50, 70, "int8", false, 0);
        assertThat(custom.withThreads(1)).hasToString("HnswRetriever[m=8, beam_width=50, ef_search=70, quantization=int8,"
                + " rescore=false, threads=1]");
        assertThatThrownBy(() -> custom.withThreads(-2)).hasMessageContaining("threads").hasMessageContaining("-2");
    }

    private static long indexFolders(CorpusStore store) throws IOException {
        try (Stream<Path> entries = Files.list(store.indexFolder())) {
            return entries.filter(path -> path.getFileName().toString().startsWith("hnsw-")).count();
        }
    }
}
