package dev.retrievals.core.loss;

/**
 * Whether a {@link StatefulLoss} is used to train or to evaluate. In {@link #EVALUATION} a loss
 * computes its value with its current state and changes nothing: schedules do not advance.
 */
public enum LossMode {
    /** Training: {@link StatefulLoss#onStepEnd()} advances schedules. */
    TRAINING,
    /** Evaluation: the state is read, never changed. */
    EVALUATION
}
