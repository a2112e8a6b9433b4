package dev.retrievals.index.retriever;

import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.index.store.CorpusStore;

/** The common part of the retrievers that search by vector: they need vectors, not texts, and unit queries of the corpus's length. */
abstract class DenseRetriever implements Retriever {
    private final String name;

    DenseRetriever(String name) {
        this.name = name;
    }

    @Override
    public final boolean usesVectors() {
        return true;
    }

    @Override
    public final boolean usesTexts() {
        return false;
    }

    /** Fails unless the corpus has vectors. */
    final void requireVectors(SearchCorpus corpus) {
        if (corpus.dimension() == 0) {
            throw new IllegalArgumentException("retriever '" + name + "' needs a corpus with vectors; " + corpus + " has none");
        }
        if (corpus instanceof CorpusStore store && !store.unitVectors()) {
            throw new IllegalArgumentException("retriever '" + name + "' needs unit vectors; " + corpus
                    + " keeps the encoder's lengths (built without normalisation)");
        }
    }

    /** The queries' vectors as unit vectors, checked against the corpus's length. */
    final float[][] unitQueries(SearchQueries queries, SearchCorpus corpus) {
        float[][] vectors = Vectors.units(queries.requireVectors(name));
        for (float[] vector : vectors) {
            if (vector.length != corpus.dimension()) {
                throw new IllegalArgumentException("A query vector has length " + vector.length + "; the corpus's have "
                        + corpus.dimension());
            }
        }
        return vectors;
    }
}
