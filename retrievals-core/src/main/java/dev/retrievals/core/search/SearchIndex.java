package dev.retrievals.core.search;

import java.util.List;

/**
 * A searchable index of one {@link SearchCorpus}, built by a {@link Retriever}. Thread-safe for
 * concurrent searches unless an implementation says otherwise; close it to release files and
 * memory.
 */
public interface SearchIndex extends AutoCloseable {

    /**
     * The best documents of each query, at most {@code k}, best first; equal scores rank the lower
     * document position first. Dense retrievers return {@code min(k, corpus size)}; a lexical one
     * returns only documents that share a term with the query.
     *
     * @param queries the queries, with texts, vectors or both as the retriever needs
     * @param k hits per query, at least 1
     * @return one list per query, in query order
     */
    List<List<SearchHit>> search(SearchQueries queries, int k);

    @Override
    void close();
}
