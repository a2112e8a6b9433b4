package dev.retrievals.core.search;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recall of an approximate search against exact search: the share of the exact top documents that
 * the approximate search also returned, summed over all queries (how HNSW is checked against
 * {@code exact}).
 */
public final class SearchRecall {
    private SearchRecall() {}

    /**
     * Found / wanted over all queries, where each query wants the documents of its exact list;
     * 1 when the exact lists are empty.
     *
     * @param exact the exact search's hits, a list per query
     * @param approximate the approximate search's hits for the same queries (at least as many lists)
     */
    public static double of(List<List<SearchHit>> exact, List<List<SearchHit>> approximate) {
        if (approximate.size() < exact.size()) {
            throw new IllegalArgumentException("recall needs a hit list per query: " + exact.size() + " exact lists but "
                    + approximate.size() + " approximate ones");
        }
        long found = 0;
        long wanted = 0;
        for (int q = 0; q < exact.size(); q++) {
            Set<Integer> truth = new HashSet<>();
            exact.get(q).forEach(hit -> truth.add(hit.document()));
            wanted += truth.size();
            found += approximate.get(q).stream().filter(hit -> truth.contains(hit.document())).count();
        }
        return wanted == 0 ? 1.0 : (double) found / wanted;
    }
}
