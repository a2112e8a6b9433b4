package dev.retrievals.core.data;

import dev.retrievals.core.RetrievalsException;

/**
 * Bad input data: the message names where (file and line, or batch row), the problem and what was
 * expected, for example {@code data/train.jsonl line 7: malformed JSON (…): {"query": "a"}
 * ...}.
 */
public final class DataException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    private final String location;
    private final DataProblem problem;

    /**
     * A bad-data error.
     *
     * @param location where, for example {@code train.jsonl line 7} or {@code batch row 3}
     * @param problem the kind of problem, used to count skipped rows
     * @param detail what is wrong and what was expected
     */
    public DataException(String location, DataProblem problem, String detail) {
        super(location + ": " + detail);
        this.location = location;
        this.problem = problem;
    }

    /** Where the bad data is, for example {@code train.jsonl line 7}. */
    public String location() {
        return location;
    }

    /** The kind of problem. */
    public DataProblem problem() {
        return problem;
    }
}
