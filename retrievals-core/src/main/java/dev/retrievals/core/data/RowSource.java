package dev.retrievals.core.data;

/** Opens a fresh pass over the rows of a dataset; bad rows are reported to {@code badRows}. */
@FunctionalInterface
interface RowSource {

    /** Starts reading from the beginning. */
    Rows open(BadRows badRows);
}
