package dev.retrievals.index.mining;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * (query, positive) rows grouped by query, as the miner reads them: texts stripped, queries in the
 * order they first appear (a query's number seeds its random sampling), each query's distinct
 * positives in order, and all distinct positives in order (they join the corpus after its own
 * documents). Shared by the single-machine and the Spark miner, so both number queries alike.
 */
public final class PairGroups implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, Set<String>> grouped = new LinkedHashMap<>();
    private final Set<String> distinctPositives = new LinkedHashSet<>();

    /** Adds a row. */
    public void add(String query, String positive) {
        String stripped = positive.strip();
        grouped.computeIfAbsent(query.strip(), key -> new LinkedHashSet<>()).add(stripped);
        distinctPositives.add(stripped);
    }

    /** Whether no row was added. */
    public boolean isEmpty() {
        return grouped.isEmpty();
    }

    /** The distinct queries, in order of first appearance. */
    public List<String> queries() {
        return new ArrayList<>(grouped.keySet());
    }

    /** Each query's distinct positives, in the order of {@link #queries()}. */
    public List<List<String>> positives() {
        return grouped.values().stream().map(set -> (List<String>) new ArrayList<>(set)).toList();
    }

    /** All distinct positives, in order of first appearance. */
    public List<String> distinctPositives() {
        return new ArrayList<>(distinctPositives);
    }
}
