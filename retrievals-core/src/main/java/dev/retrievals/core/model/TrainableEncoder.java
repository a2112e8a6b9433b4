package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.TextEncoder;
import java.nio.file.Path;
import java.util.Map;

/**
 * A text encoder that a trainer can fine-tune: it embeds token batches differentiably, exposes its
 * weights by name, switches between training and evaluation, and saves itself. The trainer sees
 * models only through this interface, so it works with any engine module that provides one.
 */
public interface TrainableEncoder extends TextEncoder {

    /** A new manager for one step's arrays, on the model's device; the caller closes it. */
    NDManager newScope();

    /**
     * Embeddings of a batch, {@code [batch, dimension]}, pooled (and normalised if the model
     * normalises). Differentiable in training mode. Results live in {@code scope}.
     */
    NDArray embed(TokenBatch batch, NDManager scope);

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
}
