package dev.retrievals.trainer.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import org.junit.jupiter.api.Test;

/** The schedules against hand-computed values of Hugging Face's schedule lambdas (10 steps, 2 of warmup). */
class SchedulesTest {
    private static double at(String name, long step) {
        LearningRateSchedule schedule = PluginRegistry.global().create(PluginKinds.LR_SCHEDULE, name);
        return schedule.factor(step, 2, 10);
    }

    @Test
    void linearWarmsUpThenDecaysToZero() {
        assertThat(at("linear", 0)).isZero();
        assertThat(at("linear", 1)).isEqualTo(0.5);
        assertThat(at("linear", 2)).isEqualTo(1.0);
        assertThat(at("linear", 6)).isEqualTo(0.5); // (10 - 6) / (10 - 2)
        assertThat(at("linear", 10)).isZero();
    }

    @Test
    void cosineFollowsAHalfCosineAfterWarmup() {
        assertThat(at("cosine", 1)).isEqualTo(0.5);
        assertThat(at("cosine", 2)).isEqualTo(1.0);
        assertThat(at("cosine", 6)).isCloseTo(0.5, within(1e-12)); // half way: 0.5 (1 + cos(pi/2))
        assertThat(at("cosine", 4)).isCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.25)), within(1e-12));
        assertThat(at("cosine", 10)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void constantSchedules() {
        assertThat(at("constant", 0)).isEqualTo(1.0);
        assertThat(at("constant_with_warmup", 1)).isEqualTo(0.5);
        assertThat(at("constant_with_warmup", 9)).isEqualTo(1.0);
    }

    @Test
    void allAreRegistered() {
        assertThat(PluginRegistry.global().names(PluginKinds.LR_SCHEDULE))
                .contains("constant", "constant_with_warmup", "cosine", "linear");
    }
}
