package dev.retrievals.index.retriever;

import dev.retrievals.core.search.SearchHit;
import java.util.ArrayList;
import java.util.List;

/**
 * The best {@code k} of a stream of (document, score) pairs, kept in a bounded min-heap: better is
 * a higher score, then a lower document position, so the result does not depend on the order the
 * documents were offered in. Not thread-safe.
 */
final class TopHits {
    private final int k;
    private final int[] documents;
    private final double[] scores;
    private int size;

    TopHits(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is " + k + "; allowed: an integer >= 1");
        }
        this.k = k;
        this.documents = new int[k];
        this.scores = new double[k];
    }

    /** Offers a hit; keeps it if it is among the best {@code k} so far. */
    void offer(int document, double score) {
        if (size < k) {
            documents[size] = document;
            scores[size] = score;
            siftUp(size++);
        } else if (better(document, score, documents[0], scores[0])) {
            documents[0] = document;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** The score a new hit must beat to be kept, or negative infinity while fewer than {@code k} are kept. */
    double threshold() {
        return size < k ? Double.NEGATIVE_INFINITY : scores[0];
    }

    /** The hits kept, best first. */
    List<SearchHit> sorted() {
        List<SearchHit> hits = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            hits.add(new SearchHit(documents[i], scores[i]));
        }
        hits.sort(TopHits::compareBestFirst);
        return hits;
    }

    /** Orders hits best first: higher score, then lower document position. */
    static int compareBestFirst(SearchHit a, SearchHit b) {
        int byScore = Double.compare(b.score(), a.score());
        return byScore != 0 ? byScore : Integer.compare(a.document(), b.document());
    }

    private static boolean better(int document, double score, int otherDocument, double otherScore) {
        return score > otherScore || (score == otherScore && document < otherDocument);
    }

    private void siftUp(int child) {
        while (child > 0) {
            int parent = (child - 1) / 2;
            if (!better(documents[parent], scores[parent], documents[child], scores[child])) {
                return;
            }
            swap(parent, child);
            child = parent;
        }
    }

    private void siftDown(int parent) {
        while (true) {
            int worst = parent;
            for (int child = 2 * parent + 1; child <= 2 * parent + 2 && child < size; child++) {
                if (better(documents[worst], scores[worst], documents[child], scores[child])) {
                    worst = child;
                }
            }
            if (worst == parent) {
                return;
            }
            swap(parent, worst);
            parent = worst;
        }
    }

    private void swap(int a, int b) {
        int document = documents[a];
        documents[a] = documents[b];
        documents[b] = document;
        double score = scores[a];
        scores[a] = scores[b];
        scores[b] = score;
    }
}
