package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingListenerTest {
    private static boolean feed(EarlyStoppingListener listener, double... values) {
        TrainerControl control = new TrainerControl();
        for (double value : values) {
            listener.onEvaluate(new TrainerState(), control, Map.of("eval_spearman", value));
        }
        return control.shouldStop();
    }

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovementBeyondTheThreshold() {
        assertThat(feed(new EarlyStoppingListener("eval_spearman", true, 2, 0.01), 0.5, 0.6, 0.605, 0.62)).isFalse();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", true, 2, 0.01), 0.5, 0.6, 0.605, 0.609)).isTrue();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", false, 1, 0), 0.5, 0.4, 0.45)).isTrue();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", false, 1, 0), 0.5, 0.4, 0.3)).isFalse();
    }

    @Test
    void aMissingMetricOrBadSettingsAreNamed() {
        assertThatThrownBy(() -> feed(new EarlyStoppingListener("eval_ndcg@10", true, 1, 0), 0.5))
                .hasMessageContaining("'eval_ndcg@10'").hasMessageContaining("eval_spearman");
        assertThatThrownBy(() -> new EarlyStoppingListener("m", true, 0, 0)).hasMessageContaining("early_stopping_patience is 0");
    }
}
