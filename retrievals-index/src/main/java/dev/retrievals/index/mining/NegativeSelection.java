package dev.retrievals.index.mining;

import dev.retrievals.core.search.SearchHit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * The rules that turn one query's retrieved candidates into its negatives (see
 * {@link HardNegativeMiner} for each step): false-negative filters, the rank window, score filters
 * and sampling. Immutable and serializable, so the Spark miner applies on its executors exactly
 * what the single-machine miner applies; {@link HardNegativeMiner.Builder} sets the same options.
 */
public final class NegativeSelection implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Candidates retrieved beyond the rank window and the query's positives, to make up for filtered ones. */
    private static final int SPARE_CANDIDATES = 16;

    private final int numNegatives;
    private final int rangeMin;
    private final Integer rangeMax;
    private final Double minScore;
    private final Double maxScore;
    private final Double absoluteMargin;
    private final Double relativeMargin;
    private final String samplingStrategy;
    private final long seed;
    private final boolean includePositives;

    private NegativeSelection(Builder builder) {
        this.numNegatives = builder.numNegatives;
        this.rangeMin = builder.rangeMin;
        this.rangeMax = builder.rangeMax;
        this.minScore = builder.minScore;
        this.maxScore = builder.maxScore;
        this.absoluteMargin = builder.absoluteMargin;
        this.relativeMargin = builder.relativeMargin;
        this.samplingStrategy = builder.samplingStrategy;
        this.seed = builder.seed;
        this.includePositives = builder.includePositives;
        if (rangeMax != null && rangeMax <= rangeMin) {
            throw new IllegalArgumentException("Option 'range_max' of " + HardNegativeMiner.OWNER + " is " + rangeMax
                    + "; allowed: an integer above range_min (" + rangeMin + ")");
        }
        if (minScore != null && maxScore != null && minScore > maxScore) {
            throw new IllegalArgumentException("Option 'min_score' of " + HardNegativeMiner.OWNER + " is " + minScore
                    + "; allowed: at most max_score (" + maxScore + ")");
        }
    }

    /** Rules with the defaults (3 negatives from the top, seed 42). */
    public static Builder builder() {
        return new Builder();
    }

    /** Negatives per query. */
    public int numNegatives() {
        return numNegatives;
    }

    /** The rank window's end: {@code range_max}, or sentence-transformers' default from the other options. */
    public int effectiveRangeMax() {
        if (rangeMax != null) {
            return rangeMax;
        }
        boolean filtered = absoluteMargin != null || relativeMargin != null || maxScore != null || minScore != null;
        return rangeMin + numNegatives * (filtered ? 10 : 1);
    }

    /** Candidates to retrieve for a query with {@code positives} positives from a corpus of {@code corpusSize} documents. */
    public int depth(int positives, int corpusSize) {
        return Math.min(corpusSize, effectiveRangeMax() + positives + SPARE_CANDIDATES);
    }

    /** A fresh per-query selection that counts what its filters drop. */
    CandidateSelection start() {
        return new CandidateSelection(numNegatives, rangeMin, effectiveRangeMax(), minScore, maxScore, absoluteMargin, relativeMargin,
                samplingStrategy.equals("random"), seed, includePositives);
    }

    /** One chosen negative: its corpus position and score. */
    public record Negative(int position, double score) implements Serializable {}

    /** What {@link #select} chose for one query (best first) and what each filter dropped. */
    public record Selected(List<Negative> negatives, Map<String, Long> drops) implements Serializable {}

    /**
     * The negatives of one query.
     *
     * @param hits the retrieved candidates, best first
     * @param positives the corpus positions of the query's positives
     * @param textHash the text hash of a corpus position (of every hit and positive)
     * @param score the score of a candidate position for this query
     * @param positiveScores the scores of the query's positives
     * @param query the query's number (seeds random sampling)
     */
    public Selected select(List<SearchHit> hits, int[] positives, IntToLongFunction textHash, IntToDoubleFunction score,
            double[] positiveScores, int query) {
        CandidateSelection selection = start();
        CandidateSelection.Collapsed collapsed = selection.collapse(hits, positives, textHash);
        selection.count(collapsed);
        List<CandidateSelection.Candidate> window = selection.window(collapsed.ranked());
        for (CandidateSelection.Candidate candidate : window) {
            candidate.score = score.applyAsDouble(candidate.position);
        }
        List<Negative> negatives = new ArrayList<>();
        for (CandidateSelection.Candidate candidate : selection.choose(window, positiveScores, query)) {
            negatives.add(new Negative(candidate.position, candidate.score));
        }
        return new Selected(negatives, selection.drops(0));
    }

    /** Settings of a {@link NegativeSelection}; each value is checked as the miner's option of the same name. */
    public static final class Builder {
        private int numNegatives = HardNegativeMiner.NUM_NEGATIVES.defaultValue();
        private int rangeMin = HardNegativeMiner.RANGE_MIN.defaultValue();
        private Integer rangeMax;
        private Double minScore;
        private Double maxScore;
        private Double absoluteMargin;
        private Double relativeMargin;
        private String samplingStrategy = HardNegativeMiner.SAMPLING_STRATEGY.defaultValue();
        private long seed = 42;
        private boolean includePositives;

        private Builder() {}

        /** Negatives per query (option {@code num_negatives}, default 3). */
        public Builder numNegatives(int value) {
            this.numNegatives = HardNegativeMiner.NUM_NEGATIVES.check(value, HardNegativeMiner.OWNER);
            return this;
        }

        /** Candidates skipped at the top of the ranking (option {@code range_min}, default 0). */
        public Builder rangeMin(int value) {
            this.rangeMin = HardNegativeMiner.RANGE_MIN.check(value, HardNegativeMiner.OWNER);
            return this;
        }

        /** The rank up to which candidates are considered, exclusive (option {@code range_max}). */
        public Builder rangeMax(int value) {
            this.rangeMax = HardNegativeMiner.RANGE_MAX.check(value, HardNegativeMiner.OWNER);
            return this;
        }

        /** Drop candidates scoring below this (option {@code min_score}). */
        public Builder minScore(double value) {
            this.minScore = finite("min_score", value);
            return this;
        }

        /** Drop candidates scoring above this (option {@code max_score}). */
        public Builder maxScore(double value) {
            this.maxScore = finite("max_score", value);
            return this;
        }

        /** Option {@code absolute_margin}. */
        public Builder absoluteMargin(double value) {
            this.absoluteMargin = finite("absolute_margin", value);
            return this;
        }

        /** Option {@code relative_margin}, in [0, 1). */
        public Builder relativeMargin(double value) {
            this.relativeMargin = HardNegativeMiner.RELATIVE_MARGIN.check(value, HardNegativeMiner.OWNER);
            return this;
        }

        /** {@code top} or {@code random} (option {@code sampling_strategy}). */
        public Builder samplingStrategy(String value) {
            this.samplingStrategy = HardNegativeMiner.SAMPLING_STRATEGY.check(value, HardNegativeMiner.OWNER);
            return this;
        }

        /** The seed of random sampling (default 42). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Keep known positives among the candidates (option {@code include_positives}). */
        public Builder includePositives(boolean value) {
            this.includePositives = value;
            return this;
        }

        private static Double finite(String option, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Option '" + option + "' of " + HardNegativeMiner.OWNER + " is " + value
                        + "; allowed: a finite number");
            }
            return value;
        }

        /** Checks the options together. */
        public NegativeSelection build() {
            return new NegativeSelection(this);
        }
    }
}
