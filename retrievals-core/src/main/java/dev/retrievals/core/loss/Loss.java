package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import java.util.Set;

/**
 * A training loss over embeddings (and labels or scores), or over a reranker's pair logits. Losses
 * do not see the model: the trainer encodes the batch and passes the embeddings by role (or the
 * logits of the (query, document) pairs), as {@link LossInputs}.
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
     * Whether the loss also trains a reranker: it then reads a cross-encoder's
     * {@link LossInputs#LOGITS} ({@code [batch, m]}) in place of its embedding roles (for example
     * MarginMSE and DistillKLDiv on a group's logits). False by default; a loss whose required
     * inputs include {@link LossInputs#LOGITS} trains rerankers only.
     */
    default boolean acceptsPairLogits() {
        return requiredInputs().contains(LossInputs.LOGITS);
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
