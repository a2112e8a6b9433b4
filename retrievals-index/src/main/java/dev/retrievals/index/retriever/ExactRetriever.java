package dev.retrievals.index.retriever;

import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact (brute-force) cosine search: a block of queries is scored against a block of documents at
 * a time, the documents read from the corpus's memory-mapped vectors, and each query keeps only its
 * best {@code k}; the query × corpus score matrix is never built, so memory is bounded by
 * {@code block_size × dimension} floats per thread plus {@code k} hits per query. Dot products of
 * unit vectors are summed in double; equal scores rank the lower document position first. No index
 * is built.
 */
public final class ExactRetriever extends DenseRetriever {
    static final String NAME = "exact";
    static final String OWNER = "retriever '" + NAME + "'";
    static final OptionSpec<Integer> BLOCK_SIZE =
            OptionSpec.ofInt("block_size", 8192, "documents scored per block (bounds memory: block_size x dimension floats per thread)")
                    .atLeast(1);
    static final OptionSpec<Integer> QUERY_BATCH =
            OptionSpec.ofInt("query_batch", 64, "queries scored together against each block").atLeast(1);
    static final OptionSpec<Integer> THREADS =
            OptionSpec.ofInt("threads", 0, "threads that search query batches in parallel (0: one per processor)").atLeast(0);

    private final int blockSize;
    private final int queryBatch;
    private final int threads;

    private ExactRetriever(int blockSize, int queryBatch, int threads) {
        super(NAME);
        this.blockSize = BLOCK_SIZE.check(blockSize, OWNER);
        this.queryBatch = QUERY_BATCH.check(queryBatch, OWNER);
        this.threads = THREADS.check(threads, OWNER);
    }

    /** The retriever with default settings. */
    public static ExactRetriever create() {
        return new ExactRetriever(BLOCK_SIZE.defaultValue(), QUERY_BATCH.defaultValue(), THREADS.defaultValue());
    }

    /** The retriever with a block size, a query batch and a thread count (0: one per processor). */
    public static ExactRetriever of(int blockSize, int queryBatch, int threads) {
        return new ExactRetriever(blockSize, queryBatch, threads);
    }

    static ExactRetriever fromOptions(Options options) {
        return of(options.get(BLOCK_SIZE), options.get(QUERY_BATCH), options.get(THREADS));
    }

    @Override
    public SearchIndex index(SearchCorpus corpus) {
        requireVectors(corpus);
        return new SearchIndex() {
            @Override
            public List<List<SearchHit>> search(SearchQueries queries, int k) {
                return ExactRetriever.this.search(corpus, queries, k);
            }

            @Override
            public void close() {}
        };
    }

    private List<List<SearchHit>> search(SearchCorpus corpus, SearchQueries queries, int k) {
        float[][] vectors = unitQueries(queries, corpus);
        List<List<SearchHit>> results = new ArrayList<>(vectors.length);
        int batches = (vectors.length + queryBatch - 1) / queryBatch;
        int workers = Math.max(1, Math.min(batches, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads));
        if (workers == 1) {
            for (int batch = 0; batch < batches; batch++) {
                results.addAll(searchBatch(corpus, vectors, batch, k));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "exact-search");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<List<List<SearchHit>>>> parts = new ArrayList<>();
            for (int batch = 0; batch < batches; batch++) {
                int index = batch;
                parts.add(pool.submit(() -> searchBatch(corpus, vectors, index, k)));
            }
            for (Future<List<List<SearchHit>>> part : parts) {
                results.addAll(part.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Exact search was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<List<SearchHit>> searchBatch(SearchCorpus corpus, float[][] queries, int batch, int k) {
        int first = batch * queryBatch;
        int count = Math.min(queryBatch, queries.length - first);
        return ShardSearch.topK(Arrays.copyOfRange(queries, first, first + count), corpus, 0, k, blockSize);
    }

    /** The dot product of a query with the document at {@code offset} in {@code block}, summed in double over four lanes. */
    static double dot(float[] query, float[] block, int offset) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = query.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) query[i] * block[offset + i];
            s1 += (double) query[i + 1] * block[offset + i + 1];
            s2 += (double) query[i + 2] * block[offset + i + 2];
            s3 += (double) query[i + 3] * block[offset + i + 3];
        }
        for (; i < n; i++) {
            s0 += (double) query[i] * block[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String toString() {
        return "ExactRetriever[block_size=" + blockSize + ", query_batch=" + queryBatch + ", threads=" + threads + "]";
    }
}
