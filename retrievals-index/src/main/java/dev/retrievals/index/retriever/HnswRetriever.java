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
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;

/**
 * Approximate nearest-neighbour search with Lucene's HNSW graph ({@code KnnFloatVectorField}, dot
 * product of unit vectors) in an on-disk index built once per corpus and settings: {@code m}
 * neighbours per node, {@code beam_width} candidates while building, optionally int8 scalar
 * quantization of the indexed vectors. A query collects {@code max(ef_search, k)} candidates from
 * the graph before the best {@code k} are kept; with {@code rescore} (the default) the candidates
 * are scored again with the exact cosine from the corpus's vectors, so scores equal the
 * {@code exact} retriever's and only recall is approximate.
 */
public final class HnswRetriever extends DenseRetriever {
    static final String NAME = "hnsw";
    static final String OWNER = "retriever '" + NAME + "'";
    private static final String FIELD = "vector";
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

    private final int m;
    private final int beamWidth;
    private final int efSearch;
    private final String quantization;
    private final boolean rescore;

    private HnswRetriever(int m, int beamWidth, int efSearch, String quantization, boolean rescore) {
        super(NAME);
        this.m = M.check(m, OWNER);
        this.beamWidth = BEAM_WIDTH.check(beamWidth, OWNER);
        this.efSearch = EF_SEARCH.check(efSearch, OWNER);
        this.quantization = QUANTIZATION.check(quantization, OWNER);
        this.rescore = rescore;
    }

    /** The retriever with default settings (m 16, beam_width 100, ef_search 100, no quantization, rescored). */
    public static HnswRetriever create() {
        return fromOptions(HnswRetrieverProvider.OPTIONS.defaults(OWNER));
    }

    /** The retriever with every setting. */
    public static HnswRetriever of(int m, int beamWidth, int efSearch, String quantization, boolean rescore) {
        return new HnswRetriever(m, beamWidth, efSearch, quantization, rescore);
    }

    static HnswRetriever fromOptions(Options options) {
        return of(options.get(M), options.get(BEAM_WIDTH), options.get(EF_SEARCH), options.get(QUANTIZATION), options.get(RESCORE));
    }

    @Override
    public SearchIndex index(SearchCorpus corpus) {
        requireVectors(corpus);
        KnnVectorsFormat format = quantization.equals("int8") ? new Lucene99HnswScalarQuantizedVectorsFormat(m, beamWidth)
                : new Lucene99HnswVectorsFormat(m, beamWidth);
        if (corpus.dimension() > format.getMaxDimensions(FIELD)) {
            throw new IllegalArgumentException(OWNER + " indexes at most " + format.getMaxDimensions(FIELD)
                    + " dimensions (Lucene's limit); the corpus has " + corpus.dimension() + ": use the exact retriever");
        }
        String settings = String.format(Locale.ROOT, "m=%d beam_width=%d quantization=%s", m, beamWidth, quantization);
        Path folder = LuceneIndexFolder.folderFor(corpus, NAME, settings);
        long heapMb = Runtime.getRuntime().maxMemory() / (1 << 20);
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        }).setRAMBufferSizeMB(Math.max(64, Math.min(1536, heapMb / 3)));
        float[] vector = new float[corpus.dimension()];
        DirectoryReader reader = LuceneIndexFolder.openOrBuild(folder, corpus, config, position -> {
            corpus.vectors(position, 1, vector);
            Document document = new Document();
            document.add(new KnnFloatVectorField(FIELD, vector.clone(), VectorSimilarityFunction.DOT_PRODUCT));
            return document;
        }, NAME);
        try {
            return new GraphSearch(reader, corpus);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the " + NAME + " index in " + folder + ": " + e.getMessage(), e);
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
                + ", rescore=" + rescore + "]";
    }
}
