package dev.retrievals.trainer.eval.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-query ranking metrics at a cutoff {@code k}, as sentence-transformers'
 * {@code InformationRetrievalEvaluator} and BEIR (through pytrec_eval / trec_eval) define them.
 * Averaging over queries (a plain mean, every query weighing the same) is the caller's.
 *
 * <p>Inputs: the ranking, document ids best first (distinct; it may be shorter or longer than
 * {@code k}), and the query's judgments, document id to graded relevance. A document is relevant
 * when its relevance is above 0 (trec_eval's default relevance level 1 for integer grades);
 * unjudged documents count as relevance 0. A query without relevant documents scores 0 on every
 * metric, as in trec_eval.
 *
 * <p>Where the two references differ, each constant says which it follows: nDCG uses graded
 * gains as BEIR does (sentence-transformers is binary; both agree on binary judgments), and MAP
 * divides by {@code min(k, R)} as sentence-transformers does (trec_eval's {@code map_cut}
 * divides by {@code R}, the number of relevant documents).
 */
public enum RankingMetric {
    /**
     * Mean reciprocal rank: {@code 1 / rank} of the first relevant document within the top
     * {@code k} (ranks from 1), else 0. As sentence-transformers and BEIR's {@code mrr}.
     */
    MRR {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            int depth = Math.min(k, ranking.size());
            for (int i = 0; i < depth; i++) {
                if (isRelevant(judgments, ranking.get(i))) {
                    return 1.0 / (i + 1);
                }
            }
            return 0;
        }
    },
    /**
     * Normalised discounted cumulative gain: {@code DCG@k = Σ rel_i / log2(i + 1)} over ranks
     * {@code i = 1..k}, with gain {@code rel_i} the graded relevance (trec_eval's {@code ndcg_cut},
     * as BEIR reports it), divided by the ideal DCG: all the query's relevant documents sorted by
     * relevance, truncated at {@code k}.
     */
    NDCG {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            List<Integer> ideal = new ArrayList<>();
            for (int relevance : judgments.values()) {
                if (relevance > 0) {
                    ideal.add(relevance);
                }
            }
            ideal.sort(Comparator.reverseOrder());
            double idealDcg = 0;
            for (int i = 0; i < Math.min(k, ideal.size()); i++) {
                idealDcg += ideal.get(i) / log2(i + 2);
            }
            if (idealDcg == 0) {
                return 0;
            }
            double dcg = 0;
            for (int i = 0; i < Math.min(k, ranking.size()); i++) {
                dcg += gain(judgments, ranking.get(i)) / log2(i + 2);
            }
            return dcg / idealDcg;
        }
    },
    /** Recall: relevant documents within the top {@code k} divided by all the query's relevant documents. */
    RECALL {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            int relevant = relevantCount(judgments);
            return relevant == 0 ? 0 : (double) hits(ranking, judgments, k) / relevant;
        }
    },
    /** Precision: relevant documents within the top {@code k} divided by {@code k} (as sentence-transformers and trec_eval's {@code P}). */
    PRECISION {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            return relevantCount(judgments) == 0 ? 0 : (double) hits(ranking, judgments, k) / k;
        }
    },
    /**
     * Average precision at {@code k}: the sum of precision@i at each rank {@code i ≤ k} holding a
     * relevant document, divided by {@code min(k, R)} with {@code R} the query's relevant documents,
     * as sentence-transformers' {@code map@k}.
     */
    MAP {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            int relevant = relevantCount(judgments);
            if (relevant == 0) {
                return 0;
            }
            int found = 0;
            double sum = 0;
            for (int i = 0; i < Math.min(k, ranking.size()); i++) {
                if (isRelevant(judgments, ranking.get(i))) {
                    found++;
                    sum += (double) found / (i + 1);
                }
            }
            return sum / Math.min(k, relevant);
        }
    },
    /** Accuracy (hit rate, success): 1 if any relevant document is within the top {@code k}, else 0. */
    ACCURACY {
        @Override
        public double at(List<String> ranking, Map<String, Integer> judgments, int k) {
            checkK(k);
            return hits(ranking, judgments, k) > 0 ? 1 : 0;
        }
    };

    /**
     * The metric of one query.
     *
     * @param ranking document ids, best first, distinct
     * @param judgments document id to graded relevance; above 0 is relevant
     * @param k the cutoff, at least 1
     */
    public abstract double at(List<String> ranking, Map<String, Integer> judgments, int k);

    /** The name of the metric at a cutoff, as results report it: for example {@code ndcg@10}. */
    public String label(int k) {
        return name().toLowerCase(Locale.ROOT) + "@" + k;
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("Cutoff k is " + k + "; allowed: an integer >= 1");
        }
    }

    private static boolean isRelevant(Map<String, Integer> judgments, String document) {
        return gain(judgments, document) > 0;
    }

    private static int gain(Map<String, Integer> judgments, String document) {
        Integer relevance = judgments.get(document);
        return relevance == null ? 0 : Math.max(0, relevance);
    }

    private static int relevantCount(Map<String, Integer> judgments) {
        int count = 0;
        for (int relevance : judgments.values()) {
            if (relevance > 0) {
                count++;
            }
        }
        return count;
    }

    private static int hits(List<String> ranking, Map<String, Integer> judgments, int k) {
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (isRelevant(judgments, ranking.get(i))) {
                hits++;
            }
        }
        return hits;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
