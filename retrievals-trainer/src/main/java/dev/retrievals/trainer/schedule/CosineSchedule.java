package dev.retrievals.trainer.schedule;

import com.google.auto.service.AutoService;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** Linear warmup from 0, then a half cosine from 1 down to 0 at the last step. */
public final class CosineSchedule implements LearningRateSchedule {

    @Override
    public double factor(long step, long warmupSteps, long totalSteps) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }

    /** Registers {@link CosineSchedule} as the schedule named {@code cosine}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<LearningRateSchedule> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.LR_SCHEDULE, "cosine", "Linear warmup from 0, then a half cosine from 1 down to 0 at the last step.", CosineSchedule::new);
        }
    }
}
