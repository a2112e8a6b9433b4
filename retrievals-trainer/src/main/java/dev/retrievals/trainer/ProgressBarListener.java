package dev.retrievals.trainer;

import dev.retrievals.core.progress.ProgressBar;
import java.util.Locale;

/** Draws a progress bar of optimizer steps with the loss, learning rate, gradient norm and tokens per second. */
public final class ProgressBarListener implements TrainerListener {
    private ProgressBar bar;

    @Override
    public void onTrainBegin(TrainerState state, TrainerControl control) {
        bar = new ProgressBar("train", state.totalSteps(), true);
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
