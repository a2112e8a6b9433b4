package com.example.retrievals.alignment;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.ndarray.Scalars;
import java.util.Set;

/**
 * The alignment loss of Wang and Isola (2020): the mean over pairs of
 * {@code ||q/|q| - p/|p| ||^alpha}. It pulls each query towards its positive and nothing else, so
 * it is usually combined with a uniformity or contrastive term.
 *
 * <p>Inputs: {@code query} and {@code positive} embeddings of equal shape {@code [batch, dim]}; no
 * labels. Reference: T. Wang, P. Isola, "Understanding Contrastive Representation Learning through
 * Alignment and Uniformity on the Hypersphere", ICML 2020.
 *
 * <p>This class lives outside the project on purpose: it shows how a third-party jar adds a loss.
 */
public final class AlignmentLoss implements Loss {
    private final double alpha;

    /** @param alpha the power of the distance, greater than 0 (2 in the paper) */
    public AlignmentLoss(double alpha) {
        this.alpha = alpha;
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.QUERY, LossInputs.POSITIVE);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray query = inputs.require(LossInputs.QUERY);
        NDArray positive = inputs.require(LossInputs.POSITIVE);
        if (query.getShape().dimension() != 2 || !query.getShape().equals(positive.getShape())) {
            throw new RetrievalsException("alignment loss expects query and positive of one shape [batch, dim], got "
                    + query.getShape() + " and " + positive.getShape());
        }
        NDArray difference = unit(query).sub(unit(positive));
        return Scalars.pow(difference.norm(new int[] {1}), alpha).mean();
    }

    private static NDArray unit(NDArray embeddings) {
        return embeddings.div(Scalars.maximum(embeddings.norm(new int[] {1}, true), 1e-12));
    }
}
