package dev.retrievals.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.LossConfigurationException;
import org.junit.jupiter.api.Test;

class MarginScheduleTest {
    @Test
    void aLinearRampMovesFromStartToEndAndStays() {
        MarginSchedule ramp = MarginSchedule.linear(0.2, 0.6, 8);

        assertThat(ramp.marginAt(0)).isEqualTo(0.2);
        assertThat(ramp.marginAt(2)).isCloseTo(0.3, within(1e-12));
        assertThat(ramp.marginAt(4)).isCloseTo(0.4, within(1e-12));
        assertThat(ramp.marginAt(8)).isEqualTo(0.6);
        assertThat(ramp.marginAt(1_000)).isEqualTo(0.6);
        assertThat(MarginSchedule.linear(0.6, 0.2, 4).marginAt(1)).isCloseTo(0.5, within(1e-12));
        assertThat(ramp.isConstant()).isFalse();
        assertThat(ramp).hasToString("linear(0.2 -> 0.6 over 8 steps)");
    }

    @Test
    void aConstantNeverMoves() {
        MarginSchedule constant = MarginSchedule.constant(0.5);
        assertThat(constant.marginAt(0)).isEqualTo(0.5);
        assertThat(constant.marginAt(Long.MAX_VALUE)).isEqualTo(0.5);
        assertThat(constant.isConstant()).isTrue();
        assertThat(constant).isEqualTo(MarginSchedule.constant(0.5)).isNotEqualTo(MarginSchedule.constant(0.4));
    }

    @Test
    void marginsOutsideZeroToHalfPiAreRejected() {
        assertThatThrownBy(() -> MarginSchedule.constant(-0.01)).isInstanceOf(LossConfigurationException.class)
                .hasMessage("The ArcFace margin is -0.01; allowed: an angle in radians in [0, 1.5707963267948966]"
                        + " (0.5 is usual)");
        assertThatThrownBy(() -> MarginSchedule.constant(Double.NaN)).isInstanceOf(LossConfigurationException.class);
        assertThatThrownBy(() -> MarginSchedule.linear(30, 0.5, 10)).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("start margin");
    }
}
