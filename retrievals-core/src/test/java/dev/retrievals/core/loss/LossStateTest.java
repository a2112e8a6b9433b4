package dev.retrievals.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossStateTest {
    @Test
    void valuesAreReadByNameAndType() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("step", 42L);
        values.put("margin", 0.35);
        LossState state = new LossState(Map.of(), values);

        assertThat(state.longValue("step")).isEqualTo(42L);
        assertThat(state.doubleValue("step")).isEqualTo(42.0);
        assertThat(state.doubleValue("margin")).isEqualTo(0.35);
        assertThat(state.values()).containsExactly(Map.entry("step", 42L), Map.entry("margin", 0.35));
    }

    @Test
    void missingOrNonIntegralEntriesNameWhatIsThere() {
        LossState state = new LossState(Map.of(), Map.of("margin", 0.35));

        assertThatThrownBy(() -> state.longValue("step")).isInstanceOf(LossConfigurationException.class)
                .hasMessage("The loss state has no value 'step'; it has [margin]");
        assertThatThrownBy(() -> state.longValue("margin")).isInstanceOf(LossConfigurationException.class)
                .hasMessage("The loss state's value 'margin' is 0.35, expected an integer");
        assertThatThrownBy(() -> state.array("arc_weight")).isInstanceOf(LossConfigurationException.class)
                .hasMessage("The loss state has no array 'arc_weight'; it has []");
    }

    @Test
    void theSnapshotIsImmutable() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("step", 1L);
        LossState state = new LossState(Map.of(), values);
        values.put("step", 2L);

        assertThat(state.longValue("step")).isEqualTo(1L);
        assertThatThrownBy(() -> state.values().put("step", 3L)).isInstanceOf(UnsupportedOperationException.class);
    }
}
