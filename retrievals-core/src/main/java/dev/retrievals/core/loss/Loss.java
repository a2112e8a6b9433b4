package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import java.util.Set;

/**
 * A training loss over embeddings (and labels or scores). Losses do not see the model: the trainer
 * encodes the batch and passes the embeddings by role, as {@link LossInputs}.
 *
 * <p>Implementations document their inputs in javadoc (which roles, labels or none) and reject
 * inputs of the wrong shape with an error that says what was expected.
 */
public interface Loss {

    /** The input roles this loss reads, from {@link LossInputs}' role names; the trainer checks them before training. */
    Set<String> requiredInputs();

    /**
     * Computes the loss.
     *
     * @param inputs embeddings and labels by role
     * @return a scalar
     */
    NDArray forward(LossInputs inputs);
}
