package dev.retrievals.core.eval;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.rerank.PairScorer;

/**
 * Scores a model on a dataset (STS correlation, retrieval nDCG, classification accuracy …): a text
 * encoder (bi-encoder) and, for evaluators that read pairs, a reranker (cross-encoder).
 */
public interface Evaluator {

    /** Runs the evaluation on an embedding model. The encoder is used read-only. */
    EvaluationResult evaluate(TextEncoder encoder);

    /**
     * Runs the evaluation on a reranker that scores (query, document) pairs. Evaluators that need
     * embeddings refuse, naming themselves.
     */
    default EvaluationResult evaluate(PairScorer reranker) {
        throw new RetrievalsException("The evaluator " + getClass().getSimpleName() + " evaluates embedding models; it cannot"
                + " evaluate a reranker (cross-encoder)");
    }
}
