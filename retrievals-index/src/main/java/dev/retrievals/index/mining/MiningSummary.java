package dev.retrievals.index.mining;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a mining run did: queries mined and skipped, rows written, negatives per query, score
 * statistics of positives, negatives and their differences, what each false-negative and window
 * filter dropped, and the time of each phase.
 *
 * @param queries queries searched (each with at least one known positive)
 * @param queriesWithoutQrels queries of a BEIR folder that the split does not judge (skipped, not an error)
 * @param queriesWithoutNegatives queries that kept no negative (no row written for them)
 * @param rows rows written
 * @param negatives negatives written, counted once per query
 * @param positiveScores scores of the (query, positive) pairs
 * @param negativeScores scores of the chosen (query, negative) pairs
 * @param differences each chosen negative's score subtracted from its query's lowest positive score
 * @param drops candidates dropped by each filter, by name ({@code positive_id}, {@code positive_text},
 *     {@code duplicate_text}, {@code absolute_margin}, {@code relative_margin}, {@code max_score},
 *     {@code min_score}), and rows dropped for too few negatives ({@code ntuple_rows_short})
 * @param seconds the time of each phase, by name
 * @param scoredBy whose scores the windows used: {@code model} or {@code teacher}
 */
public record MiningSummary(long queries, long queriesWithoutQrels, long queriesWithoutNegatives, long rows, long negatives,
        ScoreStatistics positiveScores, ScoreStatistics negativeScores, ScoreStatistics differences, Map<String, Long> drops,
        Map<String, Double> seconds, String scoredBy) {

    /** Copies the maps, unmodifiable, keeping their order. */
    public MiningSummary {
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** Negatives per mined query, on average. */
    public double negativesPerQuery() {
        return queries == 0 ? 0 : (double) negatives / queries;
    }

    /** A few lines for people, like sentence-transformers' summary. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "queries %d (skipped without qrels %d, without negatives %d), rows %d, negatives per query %.2f%n",
                queries, queriesWithoutQrels, queriesWithoutNegatives, rows, negativesPerQuery()));
        text.append("scores by ").append(scoredBy).append(System.lineSeparator());
        text.append("positive   ").append(positiveScores).append(System.lineSeparator());
        text.append("negative   ").append(negativeScores).append(System.lineSeparator());
        text.append("difference ").append(differences).append(System.lineSeparator());
        text.append("dropped    ").append(drops).append(System.lineSeparator());
        text.append("seconds    ");
        seconds.forEach((phase, value) -> text.append(String.format(Locale.ROOT, "%s %.1f ", phase, value)));
        return text.toString().strip();
    }
}
