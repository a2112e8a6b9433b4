package dev.retrievals.trainer.schedule;

import com.google.auto.service.AutoService;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** Linear warmup from 0, then linear decay to 0 at the last step (Hugging Face's default). */
public final class LinearSchedule implements LearningRateSchedule {

    @Override
    public double factor(long step, long warmupSteps, long totalSteps) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }

    /** Registers {@link LinearSchedule} as the schedule named {@code linear}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<LearningRateSchedule> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.LR_SCHEDULE, "linear", "Linear warmup from 0, then linear decay to 0 at the last step (Hugging Face's default).", LinearSchedule::new);
        }
    }
}
