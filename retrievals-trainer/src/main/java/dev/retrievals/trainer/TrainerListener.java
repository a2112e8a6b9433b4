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

    /**
     * While a checkpoint is being written, after the trainer's own files and before its state file:
     * files a listener writes into {@code folder} (the checkpoint's hidden temporary folder) become
     * part of the checkpoint, atomically with the rest. An exception fails the checkpoint and leaves
     * the previous one intact.
     */
    default void onCheckpointWrite(TrainerState state, Path folder) throws java.io.IOException {}

    /** After a checkpoint was written. */
    default void onSave(TrainerState state, TrainerControl control, Path checkpoint) {}

    /** After the last step, before the final model is saved. */
    default void onTrainEnd(TrainerState state, TrainerControl control) {}
}
