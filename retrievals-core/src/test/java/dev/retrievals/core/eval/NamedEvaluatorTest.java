package dev.retrievals.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedEvaluatorTest {
    /** An evaluator whose metric is the first coordinate of the encoding of "x": what the encoder gives decides the value. */
    private static final Evaluator FIRST_COORDINATE = encoder -> {
        double value = encoder.encode(List.of("x"))[0][0];
        return new EvaluationResult(Map.of("value", value, "twice", 2 * value), "value", false);
    };

    private static final TextEncoder CONSTANT = new TextEncoder() {
        @Override
        public float[][] encode(List<String> texts) {
            return new float[][] {{0.25f, 1f}};
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public void close() {}
    };

    @Test
    void prefixesEveryMetricAndThePrimaryWithTheName() {
        EvaluationResult result = NamedEvaluator.of("lcqmc-dev", FIRST_COORDINATE).evaluate(CONSTANT);

        assertThat(result.metrics()).isEqualTo(Map.of("lcqmc-dev/value", 0.25, "lcqmc-dev/twice", 0.5));
        assertThat(result.primaryMetric()).isEqualTo("lcqmc-dev/value");
        assertThat(result.primary()).isEqualTo(0.25);
        assertThat(result.higherIsBetter()).isFalse();
    }

    @Test
    void refusesNamesThatCannotBePartOfAMetricName() {
        for (String bad : new String[] {"", "a b", "a/b", "-a", null}) {
            assertThatThrownBy(() -> NamedEvaluator.of(bad, FIRST_COORDINATE)).isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("Evaluation name '" + bad + "'");
        }
    }
}
