package dev.retrievals.core.data;

/** What a dataset does with a bad row (malformed, badly encoded, missing column, wrong type, empty text). */
public enum BadRowPolicy {
    /** Throw a {@link DataException} at the first bad row (the default). */
    FAIL,
    /** Skip bad rows, count them by problem and log one warning with the counts when iteration ends. */
    SKIP
}
