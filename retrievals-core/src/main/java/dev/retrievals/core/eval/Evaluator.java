package dev.retrievals.core.eval;

import dev.retrievals.core.encode.TextEncoder;

/** Scores a text encoder on a dataset (STS correlation, retrieval nDCG, classification accuracy …). */
public interface Evaluator {

    /** Runs the evaluation. The encoder is used read-only. */
    EvaluationResult evaluate(TextEncoder encoder);
}
