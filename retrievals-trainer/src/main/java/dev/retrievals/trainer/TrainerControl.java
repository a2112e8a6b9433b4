package dev.retrievals.trainer;

/**
 * Flags a listener sets to steer training, as Hugging Face's {@code TrainerControl}: the trainer
 * reads them after each callback and clears the one-shot ones when it has acted.
 */
public final class TrainerControl {
    private boolean stop;
    private String stopReason = "";
    private boolean save;
    private boolean evaluate;

    /** Asks the trainer to stop after the current step (saving a checkpoint first), with a reason for the log. */
    public void requestStop(String reason) {
        stop = true;
        stopReason = reason;
    }

    /** Asks for a checkpoint after the current step. */
    public void requestSave() {
        save = true;
    }

    /** Asks for an evaluation after the current step. */
    public void requestEvaluate() {
        evaluate = true;
    }

    /** Whether a stop was requested. */
    public boolean shouldStop() {
        return stop;
    }

    /** Why the stop was requested. */
    public String stopReason() {
        return stopReason;
    }

    boolean takeSave() {
        boolean requested = save;
        save = false;
        return requested;
    }

    boolean takeEvaluate() {
        boolean requested = evaluate;
        evaluate = false;
        return requested;
    }
}
