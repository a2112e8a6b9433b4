package dev.retrievals.core.rerank;

import dev.retrievals.core.RetrievalsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What every cross-encoder does around its forward pass: pairs sorted by length so each batch pads
 * only to its own longest pair, results back in input order and checked, a list ranked by score,
 * and the sigmoid that turns a one-label logit into a probability (as sentence-transformers'
 * {@code CrossEncoder} does at predict time).
 */
public final class PairScoring {
    private PairScoring() {}

    /**
     * Scores pairs in batches of at most {@code batchSize}, longest pairs first.
     *
     * @param scoreBatch scores one batch of (queries, documents), one score per pair
     * @return one score per pair, in input order
     */
    public static float[] scoreSorted(BiFunction<List<String>, List<String>, float[]> scoreBatch, List<String> queries,
            List<String> documents, int batchSize) {
        if (queries.size() != documents.size()) {
            throw new RetrievalsException("Got " + queries.size() + " queries and " + documents.size()
                    + " documents; expected one query per document");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size is " + batchSize + "; expected an integer >= 1");
        }
        List<Integer> order = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            if (queries.get(i) == null || documents.get(i) == null) {
                throw new RetrievalsException("Pair " + i + " to score has a null " + (queries.get(i) == null ? "query" : "document"));
            }
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> queries.get(i).length() + documents.get(i).length()).reversed());
        float[] scores = new float[queries.size()];
        for (int start = 0; start < order.size(); start += batchSize) {
            List<Integer> indices = order.subList(start, Math.min(order.size(), start + batchSize));
            float[] batch = scoreBatch.apply(indices.stream().map(queries::get).toList(), indices.stream().map(documents::get).toList());
            if (batch == null || batch.length != indices.size()) {
                throw new RetrievalsException("The reranker returned " + (batch == null ? "nothing" : batch.length + " scores") + " for "
                        + indices.size() + " pairs");
            }
            for (int row = 0; row < indices.size(); row++) {
                if (!Float.isFinite(batch[row])) {
                    throw new RetrievalsException("The reranker returned a non-finite score (" + batch[row] + ") for pair " + indices.get(row));
                }
                scores[indices.get(row)] = batch[row];
            }
        }
        return scores;
    }

    /** The logistic function, element-wise, in a new array. */
    public static float[] sigmoid(float[] logits) {
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        return probabilities;
    }

    /** The documents ordered by score, highest first (ties keep input order). */
    public static List<RankedDocument> rank(List<String> documents, float[] scores) {
        List<RankedDocument> ranked = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            ranked.add(new RankedDocument(i, documents.get(i), scores[i]));
        }
        ranked.sort(Comparator.comparingDouble((RankedDocument d) -> d.score()).reversed());
        return ranked;
    }

    /** Scores {@code query} with every document and ranks them, optionally as probabilities. */
    public static List<RankedDocument> rank(PairScorer scorer, String query, List<String> documents, boolean sigmoid) {
        List<String> queries = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            queries.add(query);
        }
        float[] scores = scorer.score(queries, documents);
        return rank(documents, sigmoid ? sigmoid(scores) : scores);
    }
}
