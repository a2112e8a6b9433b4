package dev.retrievals.core.data;

import java.util.EnumMap;
import java.util.Map;

/** Applies the {@link BadRowPolicy} during one pass: throws, or counts what it skips. */
final class BadRows {
    private final BadRowPolicy policy;
    private final String dataset;
    private final Map<DataProblem, Long> skipped = new EnumMap<>(DataProblem.class);
    private long blankLines;
    private String firstMessage;

    BadRows(BadRowPolicy policy, String dataset) {
        this.policy = policy;
        this.dataset = dataset;
    }

    /** Throws {@code problem} under {@link BadRowPolicy#FAIL}; counts it under {@link BadRowPolicy#SKIP}. */
    void reject(DataException problem) {
        if (policy == BadRowPolicy.FAIL) {
            throw problem;
        }
        skipped.merge(problem.problem(), 1L, Long::sum);
        if (firstMessage == null) {
            firstMessage = problem.getMessage();
        }
    }

    /** Counts an empty line, which is never a row (under either policy). */
    void blankLine() {
        blankLines++;
    }

    SkipReport report() {
        return new SkipReport(dataset, skipped, blankLines, firstMessage);
    }
}
