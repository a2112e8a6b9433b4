package dev.retrievals.trainer;

import dev.retrievals.core.loss.LossInputs;
import java.util.Set;

/**
 * How batches reach the loss, as open-retrievals' {@code model.set_train_type(...)}:
 * <ul>
 *   <li>{@link #POINTWISE}: one text column and class labels (ArcFace);</li>
 *   <li>{@link #PAIRWISE}: queries through the query tower, positives (and hard negatives) through
 *       the document tower, optionally with a score (CoSENT);</li>
 *   <li>{@link #LISTWISE}: a query with a group of documents (one positive, n negatives, and
 *       optionally teacher scores) into a list-wise loss.</li>
 * </ul>
 */
public enum TrainType {
    /** Texts and labels. */
    POINTWISE(Set.of(LossInputs.TEXT, LossInputs.LABEL)),
    /** Query and positive, with optional negatives and scores. */
    PAIRWISE(Set.of(LossInputs.QUERY, LossInputs.POSITIVE)),
    /** Query and a group of documents. */
    LISTWISE(Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE));

    private final Set<String> requiredRoles;

    TrainType(Set<String> requiredRoles) {
        this.requiredRoles = requiredRoles;
    }

    /** The batch roles a collator must produce for this train type. */
    public Set<String> requiredRoles() {
        return requiredRoles;
    }

    /** The train type a loss's inputs imply: point-wise for text, list-wise when negatives are required, else pair-wise. */
    public static TrainType inferFrom(Set<String> lossInputs) {
        if (lossInputs.contains(LossInputs.TEXT)) {
            return POINTWISE;
        }
        return lossInputs.contains(LossInputs.NEGATIVE) ? LISTWISE : PAIRWISE;
    }
}
