package dev.retrievals.trainer;

import dev.retrievals.core.progress.ProgressBar;
import java.util.Locale;

/**
 * Shows the progress of optimizer steps with the loss, learning rate, gradient norm and tokens per
 * second: a bar redrawn in place on a terminal, otherwise (a log file, CI) a plain line every
 * {@code logging_steps} steps.
 */
public final class ProgressBarListener implements TrainerListener {
    private final long lineEvery;
    private ProgressBar bar;

    /** A bar that prints a plain line every 50 steps (the default {@code logging_steps}) when the output is not a terminal. */
    public ProgressBarListener() {
        this(50);
    }

    /** A bar that prints a plain line every {@code loggingSteps} steps when the output is not a terminal. */
    public ProgressBarListener(int loggingSteps) {
        this.lineEvery = ProgressBar.onTerminal() ? 0 : Math.max(1, loggingSteps);
    }

    @Override
    public void onTrainBegin(TrainerState state, TrainerControl control) {
        bar = new ProgressBar("train", state.totalSteps(), true, System.err, lineEvery);
        bar.advance(state.globalStep());
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control) {
        bar.setSuffix(String.format(Locale.ROOT, "loss %.4f lr %.2e |g| %.2f %.0f tok/s", state.lastLoss(), state.learningRate(),
                state.gradientNorm(), state.tokensPerSecond()));
        bar.advance(1);
    }

    @Override
    public void onTrainEnd(TrainerState state, TrainerControl control) {
        if (bar != null) {
            bar.close();
        }
    }
}
