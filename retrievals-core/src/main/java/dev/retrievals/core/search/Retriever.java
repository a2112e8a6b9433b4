package dev.retrievals.core.search;

/**
 * A way to search a corpus (a plugin of kind {@code retriever}: {@code exact}, {@code hnsw},
 * {@code bm25}, {@code hybrid}, or a third party's). A retriever is a configuration; {@link #index}
 * builds (or reopens) its index of one corpus.
 */
public interface Retriever {

    /** Whether the retriever needs the corpus's and the queries' vectors. */
    boolean usesVectors();

    /** Whether the retriever needs the corpus's and the queries' texts. */
    boolean usesTexts();

    /**
     * An index of the corpus, built now or reopened from {@link SearchCorpus#indexFolder()} when an
     * index of the same corpus fingerprint and settings is there already.
     */
    SearchIndex index(SearchCorpus corpus);
}
