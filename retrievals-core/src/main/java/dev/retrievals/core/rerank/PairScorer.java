package dev.retrievals.core.rerank;

import java.util.List;

/**
 * Anything that scores (query, document) pairs: a cross-encoder on PyTorch or on ONNX Runtime.
 * Higher is more relevant. Evaluators, rerankers and the hard-negative miner's teacher read models
 * through this interface.
 */
public interface PairScorer extends AutoCloseable {

    /**
     * The raw score (logit of the first label) of each pair {@code (queries[i], documents[i])}, in
     * input order.
     */
    float[] score(List<String> queries, List<String> documents);

    @Override
    void close();
}
