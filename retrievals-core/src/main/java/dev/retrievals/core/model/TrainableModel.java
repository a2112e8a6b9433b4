package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TextTokenizer;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a trainer needs of any model it fine-tunes: weights by name, a manager for each step's
 * arrays, training and evaluation modes, a tokenizer and a way to save. What the model computes
 * for its loss depends on its kind: a {@link TrainableEncoder} embeds texts by role (bi-encoder),
 * a {@link TrainableRanker} scores (query, document) pairs (cross-encoder).
 */
public interface TrainableModel extends AutoCloseable {

    /** A new manager for one step's arrays, on the model's device; the caller closes it. */
    NDManager newScope();

    /** Every weight by name, in a stable order. */
    Map<String, NDArray> parameters();

    /** The weights an optimizer updates (not frozen), by name, in the same order. */
    Map<String, NDArray> trainableParameters();

    /** Training mode: dropout on, gradients recorded for trainable weights. */
    void train();

    /** Evaluation mode: deterministic, no gradients. */
    void eval();

    /** Whether the model is in training mode. */
    boolean isTraining();

    /** The tokenizer the model was trained with. */
    TextTokenizer tokenizer();

    /** Saves the model as a folder it can be loaded from again; atomically. */
    void save(Path folder);

    @Override
    void close();
}
