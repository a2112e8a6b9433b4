package dev.retrievals.core.search;

/**
 * One search result: a document of the indexed corpus, by its position, and its score for the
 * query (cosine similarity for dense retrievers, a BM25 score for {@code bm25}, a fused score for
 * {@code hybrid}; higher is better).
 *
 * @param document the document's position in the corpus, from 0
 * @param score its score for the query
 */
public record SearchHit(int document, double score) {}
