package dev.retrievals.trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where training is: steps, epoch, position in the data, the last loss and learning rate, the best
 * metric so far and the log history. Listeners read it; only the trainer changes it. Saved in
 * every checkpoint as {@code trainer_state.json}.
 */
public final class TrainerState {
    long globalStep;
    int epoch;
    int batchInEpoch;
    long totalSteps;
    double lastLoss = Double.NaN;
    String trainingSet;
    double learningRate;
    double gradientNorm = Double.NaN;
    double tokensPerSecond;
    Double bestMetric;
    String bestCheckpoint;
    final List<Map<String, Object>> logHistory = new ArrayList<>();

    /** Optimizer steps taken. */
    public long globalStep() {
        return globalStep;
    }

    /** The current epoch, from 0. */
    public int epoch() {
        return epoch;
    }

    /** Batches of the current epoch already consumed. */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /** Optimizer steps the run will take. */
    public long totalSteps() {
        return totalSteps;
    }

    /** The loss of the last optimizer step (averaged over accumulated batches). */
    public double lastLoss() {
        return lastLoss;
    }

    /** The name of the training set the last optimizer step's batches came from ({@code null} before the first step). */
    public String trainingSet() {
        return trainingSet;
    }

    /** The learning-rate factor times the base rate at the last step. */
    public double learningRate() {
        return learningRate;
    }

    /** The global gradient norm before clipping at the last step. */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** Real (unpadded) tokens per second over the last step. */
    public double tokensPerSecond() {
        return tokensPerSecond;
    }

    /** The best value of the metric that selects models, or {@code null} before any evaluation. */
    public Double bestMetric() {
        return bestMetric;
    }

    /** The checkpoint folder of the best metric, or {@code null}. */
    public String bestCheckpoint() {
        return bestCheckpoint;
    }

    /** Every log entry so far (loss, learning rate, metrics by step), oldest first. */
    public List<Map<String, Object>> logHistory() {
        return Collections.unmodifiableList(logHistory);
    }

    /** The state as JSON-ready values. */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("global_step", globalStep);
        map.put("epoch", epoch);
        map.put("batch_in_epoch", batchInEpoch);
        map.put("total_steps", totalSteps);
        map.put("best_metric", bestMetric);
        map.put("best_checkpoint", bestCheckpoint);
        map.put("log_history", logHistory);
        return map;
    }
}
