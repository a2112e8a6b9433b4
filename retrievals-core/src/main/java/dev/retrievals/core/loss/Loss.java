package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import java.util.Set;

/**
 * A training loss over embeddings (and labels or scores). Losses do not see the model: the trainer
 * encodes the batch and passes the embeddings by role, as {@link LossInputs}.
 *
 * <p>Implementations document their inputs in javadoc (which roles, labels or none) and reject
 * inputs of the wrong shape with a {@link LossInputException} that says what was expected. A loss
 * that owns trainable parameters or state (a schedule) implements {@link StatefulLoss}.
 *
 * <p>The result is attached to the manager of the inputs' arrays (never to a parameter's manager),
 * so a trainer that closes its per-step manager frees every intermediate.
 */
public interface Loss {

    /** The input roles this loss reads, from {@link LossInputs}' role names; the trainer checks them before training. */
    Set<String> requiredInputs();

    /** Roles this loss reads when present (for example hard negatives); none by default. */
    default Set<String> optionalInputs() {
        return Set.of();
    }

    /**
     * Computes the loss.
     *
     * @param inputs embeddings and labels by role
     * @return a scalar
     * @throws LossInputException when an input is missing or of the wrong shape
     */
    NDArray forward(LossInputs inputs);
}
