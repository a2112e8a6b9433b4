package dev.retrievals.trainer.schedule;

import com.google.auto.service.AutoService;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** The base learning rate at every step. */
public final class ConstantSchedule implements LearningRateSchedule {

    @Override
    public double factor(long step, long warmupSteps, long totalSteps) {
        return 1.0;
    }

    /** Registers {@link ConstantSchedule} as the schedule named {@code constant}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<LearningRateSchedule> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.LR_SCHEDULE, "constant", "The base learning rate at every step.", ConstantSchedule::new);
        }
    }
}
