package dev.retrievals.core.data;

/** What is wrong with a bad row; {@link SkipReport} counts skipped rows by problem. */
public enum DataProblem {
    /** A line or record that does not parse (bad JSON, bad quoting, wrong number of fields). */
    MALFORMED("malformed"),
    /** Bytes that are not valid UTF-8. */
    INVALID_ENCODING("invalid UTF-8"),
    /** A column the operation needs is absent from the row. */
    MISSING_COLUMN("missing column"),
    /** A value of the wrong type (a number where text was expected …). */
    WRONG_TYPE("wrong type"),
    /** A text that is empty or only white space. */
    EMPTY_TEXT("empty text"),
    /** A data set that cannot serve its purpose as a whole (too few rows, a column that never varies). */
    UNUSABLE("unusable data set");

    private final String label;

    DataProblem(String label) {
        this.label = label;
    }

    /** A short lower-case label for messages, for example {@code invalid UTF-8}. */
    public String label() {
        return label;
    }
}
