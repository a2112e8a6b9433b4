package dev.retrievals.core.eval;

import java.util.Map;

/**
 * Metrics of one evaluation.
 *
 * @param metrics metric name to value, for example {@code spearman}
 * @param primaryMetric the name of the metric that selects models
 * @param higherIsBetter whether a larger primary metric is better
 */
public record EvaluationResult(Map<String, Double> metrics, String primaryMetric, boolean higherIsBetter) {

    /** Checks that the primary metric is among the metrics. */
    public EvaluationResult {
        metrics = Map.copyOf(metrics);
        if (!metrics.containsKey(primaryMetric)) {
            throw new IllegalArgumentException("Primary metric '" + primaryMetric + "' is not among " + metrics.keySet());
        }
    }

    /** The value of the primary metric. */
    public double primary() {
        return metrics.get(primaryMetric);
    }
}
