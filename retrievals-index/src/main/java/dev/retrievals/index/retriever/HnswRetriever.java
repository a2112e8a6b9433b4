package dev.retrievals.index.retriever;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approximate nearest-neighbour search with Lucene's HNSW graph ({@code KnnFloatVectorField}, dot
 * product of unit vectors) in an on-disk index built once per corpus and settings: {@code m}
 * neighbours per node, {@code beam_width} candidates while building, optionally int8 scalar
 * quantization of the indexed vectors. A query collects {@code max(ef_search, k)} candidates from
 * the graph before the best {@code k} are kept; with {@code rescore} (the default) the candidates
 * are scored again with the exact cosine from the corpus's vectors, so scores equal the
 * {@code exact} retriever's and only recall is approximate.
 *
 * <p>The index is one segment holding one graph over the whole corpus, Lucene document {@code i}
 * being corpus position {@code i}. It is built by a single Lucene merge of the memory-mapped
 * vectors ({@code IndexWriter.addIndexes} of a {@link CorpusSegmentReader}, so no vector is held on
 * the heap) whose graph {@code threads} workers build together (Lucene's concurrent HNSW merge:
 * they take 2,048 nodes at a time and insert them into the shared graph). With one thread the
 * graph is the same every time; with several it depends on the order the workers happened to
 * insert their nodes, with the same recall (tested within a tolerance), so the thread count is not
 * part of the index's settings and an index built with any thread count is reused by all.
 */
public final class HnswRetriever extends DenseRetriever {
    static final String NAME = "hnsw";
    static final String OWNER = "retriever '" + NAME + "'";
    private static final Logger LOG = LoggerFactory.getLogger(HnswRetriever.class);
    private static final String FIELD = "vector";
    /** The names of the threads that build a graph start with this. */
    static final String BUILD_THREAD_PREFIX = "hnsw-build-";
    static final OptionSpec<Integer> M = OptionSpec.ofInt("m", 16, "neighbours per node of the HNSW graph").atLeast(2).atMost(512);
    static final OptionSpec<Integer> BEAM_WIDTH =
            OptionSpec.ofInt("beam_width", 100, "candidates considered per node while the graph is built").atLeast(1).atMost(3200);
    static final OptionSpec<Integer> EF_SEARCH =
            OptionSpec.ofInt("ef_search", 100, "candidates collected from the graph per query before the top k is cut").atLeast(1)
                    .atMost(100_000);
    static final OptionSpec<String> QUANTIZATION =
            OptionSpec.ofChoice("quantization", "none", "vectors in the graph: none (float32) or int8 (scalar quantized)", "none", "int8");
    static final OptionSpec<Boolean> RESCORE =
            OptionSpec.ofBoolean("rescore", true, "score the candidates again with the exact cosine from the corpus vectors");
    static final OptionSpec<Integer> THREADS =
            OptionSpec.ofInt("threads", 0, "threads that build the graph (0: one per processor); search is unchanged").atLeast(0)
                    .atMost(1024);

    private final int m;
    private final int beamWidth;
    private final int efSearch;
    private final String quantization;
    private final boolean rescore;
    private final int threads;

    private HnswRetriever(int m, int beamWidth, int efSearch, String quantization, boolean rescore, int threads) {
        super(NAME);
        this.m = M.check(m, OWNER);
        this.beamWidth = BEAM_WIDTH.check(beamWidth, OWNER);
        this.efSearch = EF_SEARCH.check(efSearch, OWNER);
        this.quantization = QUANTIZATION.check(quantization, OWNER);
        this.rescore = rescore;
        this.threads = THREADS.check(threads, OWNER);
    }

    /** The retriever with default settings (m 16, beam_width 100, ef_search 100, no quantization, rescored, built on every processor). */
    public static HnswRetriever create() {
        return fromOptions(HnswRetrieverProvider.OPTIONS.defaults(OWNER));
    }

    /** The retriever with every setting but the thread count (the graph is built on every processor). */
    public static HnswRetriever of(int m, int beamWidth, int efSearch, String quantization, boolean rescore) {
        return of(m, beamWidth, efSearch, quantization, rescore, THREADS.defaultValue());
    }

    /** The retriever with every setting; {@code threads} build the graph (0: one per processor). */
    public static HnswRetriever of(int m, int beamWidth, int efSearch, String quantization, boolean rescore, int threads) {
        return new HnswRetriever(m, beamWidth, efSearch, quantization, rescore, threads);
    }

    /** This retriever's settings with {@code threads} building the graph (0: one per processor). */
    public HnswRetriever withThreads(int threads) {
        return of(m, beamWidth, efSearch, quantization, rescore, threads);
    }

    static HnswRetriever fromOptions(Options options) {
        return of(options.get(M), options.get(BEAM_WIDTH), options.get(EF_SEARCH), options.get(QUANTIZATION), options.get(RESCORE),
                options.get(THREADS));
    }

    @Override
    public SearchIndex index(SearchCorpus corpus) {
        requireVectors(corpus);
        int maxDimensions = format(1, null).getMaxDimensions(FIELD);
        if (corpus.dimension() > maxDimensions) {
            throw new IllegalArgumentException(OWNER + " indexes at most " + maxDimensions
                    + " dimensions (Lucene's limit); the corpus has " + corpus.dimension() + ": use the exact retriever");
        }
        // The thread count is not part of the settings: every build is one graph over the corpus in corpus order.
        String settings = String.format(Locale.ROOT, "m=%d beam_width=%d quantization=%s", m, beamWidth, quantization);
        Path folder = LuceneIndexFolder.folderFor(corpus, NAME, settings);
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        DirectoryReader reader;
        // The merge runs on the calling thread, which also takes one worker's share: the pool holds the others.
        ExecutorService pool = workers == 1 ? null : Executors.newFixedThreadPool(workers - 1, new BuildThreads());
        try {
            KnnVectorsFormat format = format(workers, pool);
            IndexWriterConfig config = new IndexWriterConfig().setCodec(new Lucene912Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return format;
                }
            }).setMergeScheduler(new SerialMergeScheduler());
            reader = LuceneIndexFolder.openOrWrite(folder, corpus, config,
                    writer -> writer.addIndexes(SlowCodecReaderWrapper.wrap(
                            new CorpusSegmentReader(corpus, FIELD, VectorSimilarityFunction.DOT_PRODUCT))),
                    NAME + " (" + workers + (workers == 1 ? " thread)" : " threads)"));
        } finally {
            if (pool != null) {
                shutDown(pool);
            }
        }
        try {
            return new GraphSearch(reader, corpus);
        } catch (IOException e) {
            LuceneIndexFolder.closeQuietly(reader);
            throw new RetrievalsException("Cannot read the " + NAME + " index in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The vectors format: {@code workers} threads insert the nodes into one graph (the caller and {@code pool}'s threads). */
    private KnnVectorsFormat format(int workers, ExecutorService pool) {
        return quantization.equals("int8")
                ? new Lucene99HnswScalarQuantizedVectorsFormat(m, beamWidth, workers, 7, false, null, pool)
                : new Lucene99HnswVectorsFormat(m, beamWidth, workers, pool);
    }

    /** Stops the build threads and waits for them: by now their work has ended, also when it failed. */
    private static void shutDown(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("HNSW build threads still running a minute after the build ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Names the build threads and lets the JVM exit without them. */
    private static final class BuildThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, BUILD_THREAD_PREFIX + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Searches an opened HNSW index. */
    private final class GraphSearch implements SearchIndex {
        private final DirectoryReader reader;
        private final IndexSearcher searcher;
        private final SearchCorpus corpus;
        private final int[] positions;

        GraphSearch(DirectoryReader reader, SearchCorpus corpus) throws IOException {
            this.reader = reader;
            this.searcher = new IndexSearcher(reader);
            this.corpus = corpus;
            this.positions = LuceneIndexFolder.positions(reader);
        }

        @Override
        public List<List<SearchHit>> search(SearchQueries queries, int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k is " + k + "; allowed: an integer >= 1");
            }
            float[][] vectors = unitQueries(queries, corpus);
            int candidates = Math.min(Math.max(k, efSearch), reader.maxDoc());
            float[] document = new float[corpus.dimension()];
            List<List<SearchHit>> results = new ArrayList<>(vectors.length);
            for (float[] query : vectors) {
                ScoreDoc[] found;
                try {
                    found = searcher.search(new KnnFloatVectorQuery(FIELD, query, candidates), candidates).scoreDocs;
                } catch (IOException e) {
                    throw new RetrievalsException("HNSW search failed: " + e.getMessage(), e);
                }
                List<SearchHit> hits = new ArrayList<>(found.length);
                for (ScoreDoc scoreDoc : found) {
                    int position = positions[scoreDoc.doc];
                    double score;
                    if (rescore) {
                        corpus.vectors(position, 1, document);
                        score = ExactRetriever.dot(query, document, 0);
                    } else {
                        score = 2.0 * scoreDoc.score - 1.0; // Lucene's DOT_PRODUCT score is (1 + dot) / 2
                    }
                    hits.add(new SearchHit(position, score));
                }
                hits.sort(TopHits::compareBestFirst);
                results.add(List.copyOf(hits.subList(0, Math.min(k, hits.size()))));
            }
            return results;
        }

        @Override
        public void close() {
            LuceneIndexFolder.closeQuietly(reader);
        }
    }

    @Override
    public String toString() {
        return "HnswRetriever[m=" + m + ", beam_width=" + beamWidth + ", ef_search=" + efSearch + ", quantization=" + quantization
                + ", rescore=" + rescore + ", threads=" + threads + "]";
    }
}
