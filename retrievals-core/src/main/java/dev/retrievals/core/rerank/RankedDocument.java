package dev.retrievals.core.rerank;

/**
 * One document of a reranked list.
 *
 * @param index the document's position in the list given to the reranker
 * @param document the document's text
 * @param score the reranker's score (a logit, or a probability when a sigmoid was asked for)
 */
public record RankedDocument(int index, String document, float score) {}
