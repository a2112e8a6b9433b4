package dev.retrievals.index.mining;

import picocli.CommandLine.Option;

/**
 * The command-line options of {@link NegativeSelection} (a picocli mixin), shared by
 * {@code retrievals mine} and the Spark {@code MineJob} so both take the same options with the
 * same meaning. Needs picocli on the class path (an optional dependency of this module).
 */
public final class NegativeSelectionOptions {
    @Option(names = "--num-negatives", paramLabel = "N", defaultValue = "3", description = "Negatives per query (default:"
            + " ${DEFAULT-VALUE}).")
    private int numNegatives;

    @Option(names = "--range-min", paramLabel = "N", defaultValue = "0", description = "Skip the best N candidates (ranks after the"
            + " known positives are removed, from 0; default: ${DEFAULT-VALUE}).")
    private int rangeMin;

    @Option(names = "--range-max", paramLabel = "N", description = "Consider candidates up to this rank, exclusive (default:"
            + " range-min + num-negatives, times 10 with a score filter).")
    private Integer rangeMax;

    @Option(names = "--min-score", paramLabel = "X", description = "Drop candidates scoring below X.")
    private Double minScore;

    @Option(names = "--max-score", paramLabel = "X", description = "Drop candidates scoring above X.")
    private Double maxScore;

    @Option(names = "--absolute-margin", paramLabel = "X", description = "Keep a negative only if its score + X <= the query's"
            + " lowest positive score.")
    private Double absoluteMargin;

    @Option(names = "--relative-margin", paramLabel = "X", description = "Keep a negative only if its score <= the query's lowest"
            + " positive score x (1 - X), X in [0, 1).")
    private Double relativeMargin;

    @Option(names = "--sampling", paramLabel = "top|random", defaultValue = "top", description = "top: the best candidates left;"
            + " random: drawn at random, seeded (default: ${DEFAULT-VALUE}).")
    private String sampling;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of random sampling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--include-positives", description = "Keep known positives among the candidates (for reranking evaluation sets).")
    private boolean includePositives;

    /** The rules these options describe; invalid values fail naming the option (as the miner's builder checks them). */
    public NegativeSelection.Builder rules() {
        NegativeSelection.Builder rules = NegativeSelection.builder().numNegatives(numNegatives).rangeMin(rangeMin)
                .samplingStrategy(sampling).seed(seed).includePositives(includePositives);
        if (rangeMax != null) {
            rules.rangeMax(rangeMax);
        }
        if (minScore != null) {
            rules.minScore(minScore);
        }
        if (maxScore != null) {
            rules.maxScore(maxScore);
        }
        if (absoluteMargin != null) {
            rules.absoluteMargin(absoluteMargin);
        }
        if (relativeMargin != null) {
            rules.relativeMargin(relativeMargin);
        }
        return rules;
    }
}
