package dev.retrievals.index.mining;

import dev.retrievals.core.search.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToLongFunction;

/**
 * The per-query steps of {@link HardNegativeMiner}: false-negative filters over the retrieved list,
 * the rank window, the score filters and the sampling, with a count of what each filter dropped.
 * Not thread-safe.
 */
final class CandidateSelection {
    /** Orders candidates best first: higher score, then better (lower) rank. */
    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingDouble((Candidate candidate) -> candidate.score).reversed().thenComparingInt(candidate -> candidate.rank);

    private final int numNegatives;
    private final int rangeMin;
    private final int rangeMax;
    private final Double minScore;
    private final Double maxScore;
    private final Double absoluteMargin;
    private final Double relativeMargin;
    private final boolean random;
    private final long seed;
    private final boolean includePositives;
    private final Map<String, Long> drops = new LinkedHashMap<>();

    CandidateSelection(int numNegatives, int rangeMin, int rangeMax, Double minScore, Double maxScore, Double absoluteMargin,
            Double relativeMargin, boolean random, long seed, boolean includePositives) {
        this.numNegatives = numNegatives;
        this.rangeMin = rangeMin;
        this.rangeMax = rangeMax;
        this.minScore = minScore;
        this.maxScore = maxScore;
        this.absoluteMargin = absoluteMargin;
        this.relativeMargin = relativeMargin;
        this.random = random;
        this.seed = seed;
        this.includePositives = includePositives;
        for (String filter : List.of("positive_id", "positive_text", "duplicate_text", "absolute_margin", "relative_margin", "max_score",
                "min_score")) {
            drops.put(filter, 0L);
        }
    }

    /** A candidate negative: its corpus position, its rank after the false-negative filters, and its score once known. */
    static final class Candidate {
        final int position;
        final int rank;
        double score;

        Candidate(int position, int rank) {
            this.position = position;
            this.rank = rank;
        }
    }

    /** A retrieved list after the false-negative filters, with what each dropped. */
    record Collapsed(List<Candidate> ranked, long positiveId, long positiveText, long duplicateText) {}

    int rangeMax() {
        return rangeMax;
    }

    int numNegatives() {
        return numNegatives;
    }

    /**
     * Drops known positives (by position, then by identical text) and repeated texts from a
     * retrieved list, ranks what is left from 0, and stops at {@code range_max} candidates.
     */
    Collapsed collapse(List<SearchHit> hits, int[] positives, IntToLongFunction textHash) {
        Set<Integer> positivePositions = new HashSet<>();
        Set<Long> positiveHashes = new HashSet<>();
        for (int position : positives) {
            positivePositions.add(position);
            positiveHashes.add(textHash.applyAsLong(position));
        }
        Set<Long> seen = new HashSet<>();
        List<Candidate> ranked = new ArrayList<>();
        long byId = 0;
        long byText = 0;
        long duplicates = 0;
        for (SearchHit hit : hits) {
            if (ranked.size() == rangeMax) {
                break;
            }
            long hash = textHash.applyAsLong(hit.document());
            if (!includePositives && positivePositions.contains(hit.document())) {
                byId++;
            } else if (!includePositives && positiveHashes.contains(hash)) {
                byText++;
            } else if (!seen.add(hash)) {
                duplicates++;
            } else {
                ranked.add(new Candidate(hit.document(), ranked.size()));
            }
        }
        return new Collapsed(ranked, byId, byText, duplicates);
    }

    /** Adds a collapsed list's drops to the counts. */
    void count(Collapsed collapsed) {
        drops.merge("positive_id", collapsed.positiveId(), Long::sum);
        drops.merge("positive_text", collapsed.positiveText(), Long::sum);
        drops.merge("duplicate_text", collapsed.duplicateText(), Long::sum);
    }

    /** Ranks {@code range_min} … {@code range_max − 1} of a ranked list. */
    List<Candidate> window(List<Candidate> ranked) {
        return new ArrayList<>(ranked.subList(Math.min(rangeMin, ranked.size()), Math.min(rangeMax, ranked.size())));
    }

    /**
     * The negatives of one query from its scored window: the score filters (margins against the
     * query's lowest positive score, then {@code max_score}, then {@code min_score}), then
     * {@code num_negatives} taken from the top or drawn at random; best first.
     */
    List<Candidate> choose(List<Candidate> window, double[] positiveScores, int query) {
        double lowestPositive = Double.POSITIVE_INFINITY;
        for (double score : positiveScores) {
            lowestPositive = Math.min(lowestPositive, score);
        }
        List<Candidate> survivors = new ArrayList<>();
        for (Candidate candidate : window) {
            String dropped = null;
            if (absoluteMargin != null && candidate.score + absoluteMargin > lowestPositive) {
                dropped = "absolute_margin";
            } else if (relativeMargin != null && candidate.score > lowestPositive * (1 - relativeMargin)) {
                dropped = "relative_margin";
            } else if (maxScore != null && candidate.score > maxScore) {
                dropped = "max_score";
            } else if (minScore != null && candidate.score < minScore) {
                dropped = "min_score";
            }
            if (dropped == null) {
                survivors.add(candidate);
            } else {
                drops.merge(dropped, 1L, Long::sum);
            }
        }
        survivors.sort(BEST_FIRST);
        if (!random || survivors.size() <= numNegatives) {
            return new ArrayList<>(survivors.subList(0, Math.min(numNegatives, survivors.size())));
        }
        Random generator = new Random(seed * 0x9E3779B97F4A7C15L + query);
        for (int i = 0; i < numNegatives; i++) {
            int j = i + generator.nextInt(survivors.size() - i);
            Candidate swap = survivors.get(i);
            survivors.set(i, survivors.get(j));
            survivors.set(j, swap);
        }
        List<Candidate> drawn = new ArrayList<>(survivors.subList(0, numNegatives));
        drawn.sort(BEST_FIRST);
        return drawn;
    }

    /** What each filter dropped, plus the queries left out for having no positive. */
    Map<String, Long> drops(long queriesWithoutPositive) {
        Map<String, Long> all = new LinkedHashMap<>(drops);
        all.put("queries_without_positive", queriesWithoutPositive);
        return all;
    }
}
