package dev.retrievals.index.store;

import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.Vectors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A small corpus of vectors held in memory (unit-length copies), for searches that do not need a
 * store on disk, such as the k nearest training examples of a classification evaluator. Ids are
 * positions; there are no texts and no index folder, so only retrievers that keep nothing on disk
 * ({@code exact}) can search it.
 */
public final class InMemoryCorpus implements SearchCorpus {
    private final float[][] vectors;
    private final int dimension;
    private final Path indexFolder;

    /** A corpus of these vectors (copied as unit vectors; all of one length). */
    public InMemoryCorpus(float[][] vectors) {
        this(vectors, true, null);
    }

    private InMemoryCorpus(float[][] vectors, boolean normalize, Path indexFolder) {
        this.indexFolder = indexFolder;
        if (vectors.length == 0) {
            throw new IllegalArgumentException("An in-memory corpus needs at least one vector");
        }
        this.vectors = normalize ? Vectors.units(vectors) : vectors;
        this.dimension = vectors[0].length;
        for (float[] vector : vectors) {
            if (vector.length != dimension) {
                throw new IllegalArgumentException("A corpus vector has length " + vector.length + "; expected " + dimension);
            }
        }
    }

    /**
     * A corpus of vectors that are already unit length, used as they are (not copied, not scaled
     * again, so scores equal those against the same vectors in a corpus store), such as one shard
     * of a corpus encoded elsewhere.
     */
    public static InMemoryCorpus ofUnitVectors(float[][] vectors) {
        return new InMemoryCorpus(vectors, false, null);
    }

    /**
     * As {@link #ofUnitVectors(float[][])}, with a folder where retrievers that keep an index on
     * disk ({@code hnsw}) may build one; the fingerprint then hashes the vectors.
     */
    public static InMemoryCorpus ofUnitVectors(float[][] vectors, Path indexFolder) {
        return new InMemoryCorpus(vectors, false, Objects.requireNonNull(indexFolder, "indexFolder"));
    }

    @Override
    public int size() {
        return vectors.length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id(int document) {
        return Integer.toString(document);
    }

    @Override
    public String text(int document) {
        throw new UnsupportedOperationException("An in-memory corpus of vectors has no texts");
    }

    @Override
    public void vectors(int first, int count, float[] into) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(vectors[first + i], 0, into, i * dimension, dimension);
        }
    }

    @Override
    public String fingerprint() {
        if (indexFolder == null) {
            throw new UnsupportedOperationException("An in-memory corpus is not fingerprinted");
        }
        return "in-memory " + vectors.length + "x" + dimension + " " + Integer.toHexString(Arrays.deepHashCode(vectors));
    }

    @Override
    public Path indexFolder() {
        if (indexFolder == null) {
            throw new UnsupportedOperationException("An in-memory corpus has no index folder; search it with the exact retriever");
        }
        return indexFolder;
    }
}
