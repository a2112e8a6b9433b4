package dev.retrievals.trainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Callbacks during training, as Hugging Face's {@code TrainerCallback}: each gets the read-only
 * {@link TrainerState} and the {@link TrainerControl} to steer with. Every method does nothing by
 * default. A listener must not throw to stop training; it calls {@link TrainerControl#requestStop}.
 */
public interface TrainerListener {

    /** Before the first step (also after resuming). */
    default void onTrainBegin(TrainerState state, TrainerControl control) {}

    /** After each optimizer step. */
    default void onStepEnd(TrainerState state, TrainerControl control) {}

    /** When a log entry is written (loss, learning rate, speed, or metrics). */
    default void onLog(TrainerState state, TrainerControl control, Map<String, Object> entry) {}

    /** After an evaluation, with its metrics by name. */
    default void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    /** After a checkpoint was written. */
    default void onSave(TrainerState state, TrainerControl control, Path checkpoint) {}

    /** After the last step, before the final model is saved. */
    default void onTrainEnd(TrainerState state, TrainerControl control) {}
}
