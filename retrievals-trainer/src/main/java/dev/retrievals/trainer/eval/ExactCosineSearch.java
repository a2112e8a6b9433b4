package dev.retrievals.trainer.eval;

import dev.retrievals.core.search.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Exact (brute-force) top-k cosine search of a fixed set of query vectors over documents that
 * arrive in chunks, so only the queries, one chunk and {@code k} hits per query are in memory at
 * a time (as sentence-transformers' {@code InformationRetrievalEvaluator} does with its corpus
 * chunks).
 *
 * <p>Vectors are scaled to unit length, so the score is the cosine similarity; dot products are
 * summed in double. Equal scores rank the earlier document first, so results do not depend on
 * how the documents were chunked. Not thread-safe.
 */
public final class ExactCosineSearch {
    /** Better first: higher score, then lower document index. */
    private static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble(Hit::score).reversed().thenComparingInt(Hit::index);

    private final float[][] queries;
    private final int k;
    private final List<PriorityQueue<Hit>> kept;
    private int documents;
    private int dimension = -1;

    /**
     * A search for these queries.
     *
     * @param queries one vector per query (copied as unit vectors)
     * @param k hits kept per query, at least 1
     */
    public ExactCosineSearch(float[][] queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is " + k + "; allowed: an integer >= 1");
        }
        this.queries = Vectors.units(queries);
        this.k = k;
        this.kept = new ArrayList<>(queries.length);
        for (int i = 0; i < queries.length; i++) {
            // The head is the worst hit kept, the first to be replaced.
            kept.add(new PriorityQueue<>(k + 1, BEST_FIRST.reversed()));
        }
        for (float[] query : queries) {
            checkDimension(query, "query");
        }
    }

    /**
     * Scores the next documents against every query; their indexes continue from the documents
     * added before (the first document added has index 0).
     */
    public void add(float[][] chunk) {
        float[][] units = Vectors.units(chunk);
        for (float[] document : units) {
            checkDimension(document, "document");
        }
        for (int q = 0; q < queries.length; q++) {
            PriorityQueue<Hit> hits = kept.get(q);
            for (int d = 0; d < units.length; d++) {
                Hit hit = new Hit(documents + d, Vectors.dot(queries[q], units[d]));
                if (hits.size() < k) {
                    hits.add(hit);
                } else if (BEST_FIRST.compare(hit, hits.peek()) < 0) {
                    hits.poll();
                    hits.add(hit);
                }
            }
        }
        documents += units.length;
    }

    /** The number of documents added so far. */
    public int documentCount() {
        return documents;
    }

    /** The best {@code min(k, documents)} hits of a query, best first. */
    public List<Hit> hits(int query) {
        List<Hit> hits = new ArrayList<>(kept.get(query));
        hits.sort(BEST_FIRST);
        return hits;
    }

    private void checkDimension(float[] vector, String role) {
        if (dimension < 0) {
            dimension = vector.length;
        } else if (vector.length != dimension) {
            throw new IllegalArgumentException("A " + role + " vector has length " + vector.length + "; expected " + dimension);
        }
    }

    /**
     * One search result.
     *
     * @param index the document's position in the order documents were added
     * @param score its cosine similarity with the query
     */
    public record Hit(int index, double score) {}
}
