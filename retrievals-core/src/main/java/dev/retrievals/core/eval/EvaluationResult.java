package dev.retrievals.core.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Metrics of one evaluation.
 *
 * @param metrics metric name to value, for example {@code spearman}, in the evaluator's order (tables and reports
 *     print them so, the same in every run)
 * @param primaryMetric the name of the metric that selects models
 * @param higherIsBetter whether a larger primary metric is better
 */
public record EvaluationResult(Map<String, Double> metrics, String primaryMetric, boolean higherIsBetter) {

    /** Keeps an unmodifiable copy of the metrics in their order and checks that the primary metric is among them. */
    public EvaluationResult {
        Map<String, Double> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "metric name"),
                Objects.requireNonNull(value, () -> "metric '" + name + "' has no value")));
        metrics = Collections.unmodifiableMap(copy);
        if (!metrics.containsKey(primaryMetric)) {
            throw new IllegalArgumentException("Primary metric '" + primaryMetric + "' is not among " + metrics.keySet());
        }
    }

    /** The value of the primary metric. */
    public double primary() {
        return metrics.get(primaryMetric);
    }
}
