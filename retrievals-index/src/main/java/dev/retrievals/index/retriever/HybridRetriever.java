package dev.retrievals.index.retriever;

import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal-rank fusion of a dense retriever ({@code exact} or {@code hnsw}, default settings) and
 * {@code bm25}: each retrieves {@code max(depth, k)} documents, and a document's fused score is
 * {@code Σ 1 / (rrf_k + rank)} over the lists it appears in, with 1-based ranks (Cormack, Clarke
 * and Büttcher, 2009, with their {@code rrf_k} of 60). Queries need both texts and vectors.
 */
public final class HybridRetriever implements Retriever {
    static final String NAME = "hybrid";
    static final String OWNER = "retriever '" + NAME + "'";
    static final OptionSpec<String> DENSE = OptionSpec.ofChoice("dense", "exact", "the dense retriever fused with bm25", "exact", "hnsw");
    static final OptionSpec<Integer> RRF_K = OptionSpec.ofInt("rrf_k", 60, "the constant of reciprocal-rank fusion").atLeast(0);
    static final OptionSpec<Integer> DEPTH =
            OptionSpec.ofInt("depth", 100, "documents each retriever contributes before fusion (at least k)").atLeast(1);

    private final Retriever dense;
    private final Bm25Retriever lexical;
    private final int rrfK;
    private final int depth;

    private HybridRetriever(Retriever dense, Bm25Retriever lexical, int rrfK, int depth) {
        this.dense = dense;
        this.lexical = lexical;
        this.rrfK = RRF_K.check(rrfK, OWNER);
        this.depth = DEPTH.check(depth, OWNER);
    }

    /** The fusion of a dense retriever and BM25. */
    public static HybridRetriever of(Retriever dense, Bm25Retriever lexical, int rrfK, int depth) {
        if (!dense.usesVectors()) {
            throw new IllegalArgumentException("Option 'dense' of " + OWNER + " must search by vector; " + dense + " does not");
        }
        return new HybridRetriever(dense, lexical, rrfK, depth);
    }

    static HybridRetriever fromOptions(Options options) {
        Retriever dense = options.get(DENSE).equals("hnsw") ? HnswRetriever.create() : ExactRetriever.create();
        return of(dense, Bm25Retriever.of(options.get(Analyzers.ANALYZER), options.get(Analyzers.K1), options.get(Analyzers.B)),
                options.get(RRF_K), options.get(DEPTH));
    }

    @Override
    public boolean usesVectors() {
        return true;
    }

    @Override
    public boolean usesTexts() {
        return true;
    }

    @Override
    public SearchIndex index(SearchCorpus corpus) {
        SearchIndex denseIndex = dense.index(corpus);
        SearchIndex lexicalIndex;
        try {
            lexicalIndex = lexical.index(corpus);
        } catch (RuntimeException e) {
            denseIndex.close();
            throw e;
        }
        return new SearchIndex() {
            @Override
            public List<List<SearchHit>> search(SearchQueries queries, int k) {
                if (k < 1) {
                    throw new IllegalArgumentException("k is " + k + "; allowed: an integer >= 1");
                }
                queries.requireTexts(NAME);
                queries.requireVectors(NAME);
                int each = Math.max(depth, k);
                List<List<SearchHit>> denseHits = denseIndex.search(queries, each);
                List<List<SearchHit>> lexicalHits = lexicalIndex.search(queries, each);
                List<List<SearchHit>> fused = new ArrayList<>(queries.size());
                for (int q = 0; q < queries.size(); q++) {
                    fused.add(fuse(List.of(denseHits.get(q), lexicalHits.get(q)), k));
                }
                return fused;
            }

            @Override
            public void close() {
                denseIndex.close();
                lexicalIndex.close();
            }
        };
    }

    /** Reciprocal-rank fusion of ranked lists: the best {@code k}, best first. */
    List<SearchHit> fuse(List<List<SearchHit>> lists, int k) {
        Map<Integer, Double> scores = new HashMap<>();
        for (List<SearchHit> list : lists) {
            for (int rank = 0; rank < list.size(); rank++) {
                scores.merge(list.get(rank).document(), 1.0 / (rrfK + rank + 1), Double::sum);
            }
        }
        TopHits top = new TopHits(Math.max(1, Math.min(k, scores.size())));
        scores.forEach(top::offer);
        return scores.isEmpty() ? List.of() : top.sorted();
    }

    @Override
    public String toString() {
        return "HybridRetriever[dense=" + dense + ", lexical=" + lexical + ", rrf_k=" + rrfK + ", depth=" + depth + "]";
    }
}
