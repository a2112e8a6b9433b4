package dev.retrievals.core.schedule;

/**
 * A learning-rate schedule: the factor applied to every parameter group's base rate at an
 * optimizer step, as Hugging Face's {@code get_*_schedule_with_warmup} lambdas.
 */
public interface LearningRateSchedule {

    /**
     * The multiplier of the base learning rate.
     *
     * @param step the optimizer step about to be taken, from 0
     * @param warmupSteps steps of linear warmup from 0 at the start (0 for none)
     * @param totalSteps the number of optimizer steps in the run
     * @return a factor, normally in [0, 1]
     */
    double factor(long step, long warmupSteps, long totalSteps);
}
