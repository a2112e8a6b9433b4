package dev.retrievals.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** An evaluation keeps its metrics in the evaluator's order (the train command's before/after table once swapped rows between runs). */
class EvaluationResultTest {
    @Test
    void metricsKeepTheEvaluatorsOrder() {
        // 30 names in reverse alphabetical order: a hash-ordered copy would almost surely reorder them
        List<String> names = IntStream.range(0, 30).mapToObj(i -> String.format("metric_%02d", 29 - i)).toList();
        Map<String, Double> metrics = new LinkedHashMap<>();
        names.forEach(name -> metrics.put(name, (double) name.hashCode()));
        EvaluationResult result = new EvaluationResult(metrics, "metric_07", true);
        assertThat(result.metrics().keySet()).containsExactlyElementsOf(names);
        assertThat(result.primary()).isEqualTo("metric_07".hashCode());
    }

    @Test
    void theMetricsAreACopyThatCannotChange() {
        Map<String, Double> metrics = new LinkedHashMap<>(Map.of("spearman", 0.8));
        EvaluationResult result = new EvaluationResult(metrics, "spearman", true);
        metrics.put("pearson", 0.7);
        assertThat(result.metrics()).containsOnlyKeys("spearman");
        assertThatThrownBy(() -> result.metrics().put("pearson", 0.7)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMissingPrimaryOrValueIsRefused() {
        assertThatThrownBy(() -> new EvaluationResult(Map.of("spearman", 0.8), "pearson", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pearson' is not among [spearman]");
        Map<String, Double> withNull = new HashMap<>();
        withNull.put("spearman", null);
        assertThatThrownBy(() -> new EvaluationResult(withNull, "spearman", true)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("metric 'spearman' has no value");
    }
}
