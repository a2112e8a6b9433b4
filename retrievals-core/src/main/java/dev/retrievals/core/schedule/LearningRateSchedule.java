package dev.retrievals.core.schedule;

/** A learning-rate schedule: the factor applied to each parameter group's base rate at a step. */
public interface LearningRateSchedule {

    /**
     * The multiplier of the base learning rate.
     *
     * @param step the optimizer step about to be taken, from 0
     * @param totalSteps the number of optimizer steps in the run
     * @return a factor, normally in [0, 1]
     */
    double factor(long step, long totalSteps);
}
