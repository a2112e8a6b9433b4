/**
 * Corpus search: the {@link dev.retrievals.core.search.Retriever} plugin kind, what it indexes
 * ({@link dev.retrievals.core.search.SearchCorpus}) and what it answers
 * ({@link dev.retrievals.core.search.SearchHit}). The retrievers themselves live in
 * {@code retrievals-index}.
 */
package dev.retrievals.core.search;
