package dev.retrievals.trainer;

import dev.retrievals.core.RetrievalsException;
import java.util.Map;

/**
 * Stops training when a metric has not improved by more than a threshold for a number of
 * evaluations in a row (Hugging Face's {@code EarlyStoppingCallback}). It sets the stop flag; it
 * never throws.
 */
public final class EarlyStoppingListener implements TrainerListener {
    private final String metric;
    private final boolean higherIsBetter;
    private final int patience;
    private final double threshold;
    private Double best;
    private int evaluationsWithoutImprovement;

    /**
     * @param metric the metric's name as logged, for example {@code eval_spearman}
     * @param higherIsBetter whether larger values are better
     * @param patience evaluations without improvement before stopping (at least 1)
     * @param threshold the smallest change that counts as an improvement (at least 0)
     */
    public EarlyStoppingListener(String metric, boolean higherIsBetter, int patience, double threshold) {
        if (patience < 1) {
            throw new RetrievalsException("early_stopping_patience is " + patience + "; allowed: an integer >= 1");
        }
        if (threshold < 0) {
            throw new RetrievalsException("early_stopping_threshold is " + threshold + "; allowed: a number >= 0");
        }
        this.metric = metric;
        this.higherIsBetter = higherIsBetter;
        this.patience = patience;
        this.threshold = threshold;
    }

    @Override
    public void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        Double value = metrics.get(metric);
        if (value == null) {
            throw new RetrievalsException("Early stopping watches '" + metric + "' but the evaluation gave " + metrics.keySet());
        }
        boolean improved = best == null || (higherIsBetter ? value > best + threshold : value < best - threshold);
        if (improved) {
            best = value;
            evaluationsWithoutImprovement = 0;
        } else if (++evaluationsWithoutImprovement >= patience) {
            control.requestStop(metric + " did not improve on " + best + " for " + patience + " evaluation(s)");
        }
    }
}
