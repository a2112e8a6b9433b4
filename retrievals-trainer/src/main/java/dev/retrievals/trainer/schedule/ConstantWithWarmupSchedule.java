package dev.retrievals.trainer.schedule;

import com.google.auto.service.AutoService;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** Linear warmup from 0, then the base learning rate. */
public final class ConstantWithWarmupSchedule implements LearningRateSchedule {

    @Override
    public double factor(long step, long warmupSteps, long totalSteps) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return 1.0;
    }

    /** Registers {@link ConstantWithWarmupSchedule} as the schedule named {@code constant_with_warmup}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<LearningRateSchedule> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.LR_SCHEDULE, "constant_with_warmup", "Linear warmup from 0, then the base learning rate.", ConstantWithWarmupSchedule::new);
        }
    }
}
