package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchArgsTest {

    @Test
    void aDecimalSettingIsReadOrDefaulted() {
        BenchArgs settings = BenchArgs.parse("Probe", "jitter=0.05", "zero=0");

        assertThat(settings.decimal("jitter", 0.02)).isEqualTo(0.05);
        assertThat(settings.decimal("zero", 0.02)).isEqualTo(0.0);
        assertThat(settings.decimal("missing", 0.02)).isEqualTo(0.02);
    }

    @Test
    void aDecimalSettingThatIsNegativeNotFiniteOrNoNumberNamesTheSetting() {
        for (String value : new String[] {"-0.1", "NaN", "Infinity", "two"}) {
            assertThatThrownBy(() -> BenchArgs.parse("Probe", "jitter=" + value).decimal("jitter", 0.02))
                    .hasMessage("Probe: jitter=" + value + " is not a finite number >= 0");
        }
    }

    @Test
    void anIntegerSettingBelowOneOrNoIntegerNamesTheSetting() {
        assertThat(BenchArgs.parse("Probe", "variants=3").integer("variants", 16)).isEqualTo(3);
        for (String value : new String[] {"0", "1.5", "x"}) {
            assertThatThrownBy(() -> BenchArgs.parse("Probe", "variants=" + value).integer("variants", 16))
                    .hasMessage("Probe: variants=" + value + " is not an integer >= 1");
        }
    }
}
