package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.SearchRecall;
import dev.retrievals.index.retriever.ExactRetriever;
import dev.retrievals.index.retriever.HnswRetriever;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Corpus search at scale: 1,000,000 random unit vectors of 384 dimensions (a Gaussian draw per
 * document, seeded by its number) written into a corpus store, searched by the {@code exact}
 * retriever (blockwise over the memory-mapped vectors) and by {@code hnsw} with default settings,
 * with the process's resident memory sampled throughout. Reports the store's write time, HNSW's
 * build time, exact and HNSW queries per second, HNSW's recall@10 against exact, and the peak
 * resident memory, split into anonymous memory (heap and native allocations: what would grow with a
 * query × corpus score matrix) and file pages mapped from the store and the index (which the kernel
 * may drop at any time). Exact search runs twice, with a few queries and with many, to show that its
 * memory does not grow with the number of queries.
 *
 * <p>Random vectors in 384 dimensions are the hard case for HNSW: they have no cluster structure,
 * so recall is lower than on real embeddings (see the SciFact figures).
 *
 * <p>Settings: {@code documents} (1000000), {@code dimension} (384), {@code queries} (1000, searched
 * by HNSW), {@code exact_queries} (200, the ground truth; the first of the queries),
 * {@code few_queries} (20), {@code seed} (17), {@code hnsw} (true; false skips the HNSW build and search, which take hours
 * for a million vectors on a busy machine, and keeps the store, exact search and memory figures), {@code out}.
 */
public final class MiningMillionBenchmark {
    private static final int K = 10;

    private MiningMillionBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) throws Exception {
        BenchArgs settings = BenchArgs.parse("MiningMillionBenchmark", args).allow("documents", "dimension", "queries", "exact_queries",
                "few_queries", "seed", "hnsw", "out");
        int documents = settings.integer("documents", 1_000_000);
        int dimension = settings.integer("dimension", 384);
        int queryCount = settings.integer("queries", 1000);
        int exactCount = Math.min(queryCount, settings.integer("exact_queries", 200));
        int fewCount = Math.min(exactCount, settings.integer("few_queries", 20));
        long seed = settings.integer("seed", 17);
        boolean withHnsw = Boolean.parseBoolean(settings.string("hnsw", "true"));
        Path folder = StsTrainingRun.temporaryFolder();
        JsonObject result = new JsonObject();
        result.addProperty("load_average_before", Machine.describe().get("load_average").getAsString());
        try (ResidentMemorySampler memory = ResidentMemorySampler.start()) {
            long start = System.nanoTime();
            try (CorpusStore store = CorpusStore.builder(folder.resolve("store")).encoder(new RandomVectors(dimension, seed), "random " + seed)
                    .batchSize(4096).chunkSize(65_536).build(numbered(documents))) {
                result.addProperty("store_write_seconds", (System.nanoTime() - start) / 1e9);
                memory.mark(result, "after_store");
                float[][] queries = new float[queryCount][];
                RandomGenerator random = new SplittableRandom(seed - 1);
                for (int q = 0; q < queryCount; q++) {
                    queries[q] = gaussian(random, dimension);
                }
                float[][] exactQueries = Arrays.copyOf(queries, exactCount);
                List<List<SearchHit>> truth;
                try (SearchIndex exact = ExactRetriever.create().index(store)) {
                    start = System.nanoTime();
                    exact.search(SearchQueries.ofVectors(Arrays.copyOf(queries, fewCount)), K);
                    result.addProperty("exact_seconds_few_queries", (System.nanoTime() - start) / 1e9);
                    memory.mark(result, "after_exact_few_queries");
                    start = System.nanoTime();
                    truth = exact.search(SearchQueries.ofVectors(exactQueries), K);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    result.add("exact_queries_per_s", Stats.of(exactCount / seconds).toJson());
                    memory.mark(result, "after_exact_many_queries");
                    System.out.printf(Locale.ROOT, "exact: %d queries in %.1f s%n", exactCount, seconds);
                }
                if (withHnsw) {
                    hnsw(store, queries, truth, result, memory);
                }
            }
            memory.finish(result);
        } finally {
            StsTrainingRun.delete(folder);
        }
        result.addProperty("documents", documents);
        result.addProperty("dimension", dimension);
        result.addProperty("queries", withHnsw ? queryCount : 0);
        result.addProperty("exact_queries", exactCount);
        result.addProperty("few_queries", fewCount);
        result.addProperty("k", K);
        result.addProperty("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        result.addProperty("score_matrix_mb_exact_queries", (double) exactCount * documents * Float.BYTES / (1 << 20));
        result.addProperty("hnsw_settings", HnswRetriever.create().toString());
        result.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    /** Builds the HNSW index (default settings), searches every query, and records build time, queries/s and recall@10 against exact. */
    private static void hnsw(CorpusStore store, float[][] queries, List<List<SearchHit>> truth, JsonObject result, ResidentMemorySampler memory) {
        long start = System.nanoTime();
        try (SearchIndex hnsw = HnswRetriever.create().index(store)) {
            double build = (System.nanoTime() - start) / 1e9;
            result.addProperty("hnsw_build_seconds", build);
            memory.mark(result, "after_hnsw_build");
            System.out.printf(Locale.ROOT, "hnsw: built in %.1f s%n", build);
            start = System.nanoTime();
            List<List<SearchHit>> approximate = hnsw.search(SearchQueries.ofVectors(queries), K);
            double seconds = (System.nanoTime() - start) / 1e9;
            result.add("hnsw_queries_per_s", Stats.of(queries.length / seconds).toJson());
            result.addProperty("hnsw_recall_at_10", SearchRecall.of(truth, approximate.subList(0, truth.size())));
            memory.mark(result, "after_hnsw_search");
            System.out.printf(Locale.ROOT, "hnsw: %d queries in %.1f s, recall@10 %.4f%n", queries.length, seconds,
                    result.get("hnsw_recall_at_10").getAsDouble());
        }
    }

    static float[] gaussian(RandomGenerator random, int dimension) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }

    /** Documents {@code 0 … count-1}, each text its number (the random encoder draws the vector from it). */
    static CorpusSource numbered(int count) {
        return new CorpusSource() {
            @Override
            public Documents open() {
                return new Documents() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < count;
                    }

                    @Override
                    public CorpusDocument next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        String id = Integer.toString(next++);
                        return new CorpusDocument(id, id);
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public String name() {
                return count + " numbered documents";
            }
        };
    }

    /** A stand-in encoder: the vector of text {@code "i"} is a Gaussian draw seeded by (seed, i), so it is the same every time. */
    record RandomVectors(int dimension, long seed) implements TextEncoder {
        @Override
        public float[][] encode(List<String> texts) {
            float[][] vectors = new float[texts.size()][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = gaussian(new SplittableRandom(seed * 1_000_003L + Long.parseLong(texts.get(i))), dimension);
            }
            return vectors;
        }

        @Override
        public void close() {}
    }
}
