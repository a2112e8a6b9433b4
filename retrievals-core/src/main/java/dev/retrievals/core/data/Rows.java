package dev.retrievals.core.data;

/** A pull iterator over sourced rows: {@link #next()} returns {@code null} at the end. */
interface Rows extends AutoCloseable {

    /** The next row, or {@code null} when there are no more. */
    SourcedRow next();

    @Override
    void close();
}
