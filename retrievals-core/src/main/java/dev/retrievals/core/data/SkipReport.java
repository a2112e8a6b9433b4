package dev.retrievals.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one pass over a dataset left out: bad rows skipped under {@link BadRowPolicy#SKIP}, by
 * problem, and blank lines (never rows). The same text is logged as a warning when the pass ends.
 */
public final class SkipReport {
    private final String dataset;
    private final Map<DataProblem, Long> skipped;
    private final long blankLines;
    private final String firstMessage;

    SkipReport(String dataset, Map<DataProblem, Long> skipped, long blankLines, String firstMessage) {
        this.dataset = dataset;
        this.skipped = Collections.unmodifiableMap(skipped.isEmpty() ? Map.of() : new EnumMap<>(skipped));
        this.blankLines = blankLines;
        this.firstMessage = firstMessage;
    }

    /** The number of bad rows skipped. */
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Skipped rows by problem (problems with none are absent). */
    public Map<DataProblem, Long> skippedByProblem() {
        return skipped;
    }

    /** The number of blank lines ignored. */
    public long blankLines() {
        return blankLines;
    }

    /** Whether nothing was left out. */
    public boolean isEmpty() {
        return skipped.isEmpty() && blankLines == 0;
    }

    /**
     * One line for people, for example {@code Skipped 3 bad rows of train.jsonl (2 malformed, 1
     * empty text); first: train.jsonl line 4: …}.
     */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (!skipped.isEmpty()) {
            List<String> counts = new ArrayList<>();
            skipped.forEach((problem, count) -> counts.add(count + " " + problem.label()));
            parts.add("Skipped " + skippedRows() + " bad row" + (skippedRows() == 1 ? "" : "s") + " of " + dataset
                    + " (" + String.join(", ", counts) + "); first: " + firstMessage);
        }
        if (blankLines > 0) {
            parts.add("ignored " + blankLines + " blank line" + (blankLines == 1 ? "" : "s") + " of " + dataset);
        }
        return parts.isEmpty() ? "Nothing skipped in " + dataset : String.join("; ", parts);
    }

    @Override
    public String toString() {
        return summary();
    }
}
