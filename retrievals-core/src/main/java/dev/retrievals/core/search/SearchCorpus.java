package dev.retrievals.core.search;

import java.nio.file.Path;

/**
 * What a {@link Retriever} indexes: documents by position {@code 0 … size-1}, each with an id, a
 * text and (when the corpus was encoded) a unit-length vector. Vectors are read a block at a time,
 * so a corpus larger than memory can be scanned; texts are read one at a time.
 */
public interface SearchCorpus {

    /** The number of documents. */
    int size();

    /** The length of each vector, or 0 when the corpus has no vectors. */
    int dimension();

    /** The id of a document. */
    String id(int document);

    /** The text of a document (title and text joined, as it was encoded). */
    String text(int document);

    /**
     * Copies the vectors of documents {@code first … first+count-1}, row after row, into
     * {@code into} (at least {@code count * dimension()} long).
     *
     * @throws IllegalStateException when the corpus has no vectors
     */
    void vectors(int first, int count, float[] into);

    /**
     * A short text that changes whenever the documents or their vectors change, so an index built
     * from this corpus can be reused while it matches.
     */
    String fingerprint();

    /** A folder where retrievers may keep their on-disk indexes of this corpus. */
    Path indexFolder();
}
