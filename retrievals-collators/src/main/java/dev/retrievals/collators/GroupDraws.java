package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.QUERY_KEY;
import static dev.retrievals.collators.GroupCollator.NEGATIVES_KEY;
import static dev.retrievals.collators.GroupCollator.NEGATIVE_SCORES_KEY;
import static dev.retrievals.collators.GroupCollator.POSITIVES_KEY;
import static dev.retrievals.collators.GroupCollator.POSITIVE_SCORES_KEY;
import static dev.retrievals.collators.GroupCollator.SEED;
import static dev.retrievals.collators.GroupCollator.TRAIN_GROUP_SIZE;
import static dev.retrievals.collators.GroupCollator.WITH_SCORES;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * FlagEmbedding's group sampling from (query, positives, negatives) rows, shared by the
 * bi-encoder's {@link GroupCollator} and the cross-encoder's {@link RerankGroupCollator}: one
 * positive drawn at random, {@code G - 1} negatives drawn without repetition (from the negatives
 * repeated {@code ceil((G-1)/n)} times when a row has too few), and with {@code with_scores} the
 * drawn documents' scores. Not thread-safe: callers synchronise.
 */
final class GroupDraws {
    /**
     * The documents drawn for a batch.
     *
     * @param queries one per row
     * @param positives the drawn positive of each row
     * @param negatives {@code G - 1} per row, row-major
     * @param teacher the drawn documents' scores, {@code G} per row (positive first), or {@code null}
     */
    record Draw(List<String> queries, List<String> positives, List<String> negatives, float[] teacher) {}

    private final String queryKey;
    private final String positivesKey;
    private final String negativesKey;
    private final int groupSize;
    private final Random random;
    private final boolean withScores;
    private final String positiveScoresKey;
    private final String negativeScoresKey;

    GroupDraws(Options options) {
        this.queryKey = options.get(QUERY_KEY);
        this.positivesKey = options.get(POSITIVES_KEY);
        this.negativesKey = options.get(NEGATIVES_KEY);
        this.groupSize = options.get(TRAIN_GROUP_SIZE);
        this.random = new Random(options.get(SEED));
        this.withScores = options.get(WITH_SCORES);
        this.positiveScoresKey = options.get(POSITIVE_SCORES_KEY);
        this.negativeScoresKey = options.get(NEGATIVE_SCORES_KEY);
    }

    /** Documents per query, {@code G}. */
    int groupSize() {
        return groupSize;
    }

    /** Whether the rows' scores are drawn too. */
    boolean withScores() {
        return withScores;
    }

    /** The columns read and their types. */
    Map<String, ColumnType> columnTypes() {
        if (withScores) {
            return BatchColumns.types(queryKey, ColumnType.TEXT, positivesKey, ColumnType.TEXT_LIST, negativesKey, ColumnType.TEXT_LIST,
                    positiveScoresKey, ColumnType.NUMBER_LIST, negativeScoresKey, ColumnType.NUMBER_LIST);
        }
        return BatchColumns.types(queryKey, ColumnType.TEXT, positivesKey, ColumnType.TEXT_LIST, negativesKey, ColumnType.TEXT_LIST);
    }

    /** Draws each row's positive, negatives and (with scores) their scores; an empty batch fails naming {@code owner}. */
    Draw draw(List<Map<String, Object>> rows, String owner) {
        BatchColumns.requireRows(rows, owner);
        List<String> queries = BatchColumns.texts(rows, queryKey);
        List<List<String>> positives = BatchColumns.textLists(rows, positivesKey);
        List<List<String>> negativeLists = groupSize > 1 || withScores ? BatchColumns.textLists(rows, negativesKey) : List.of();
        List<float[]> positiveScores = withScores ? BatchColumns.numberLists(rows, positiveScoresKey, positives, positivesKey) : List.of();
        List<float[]> negativeScores = withScores ? BatchColumns.numberLists(rows, negativeScoresKey, negativeLists, negativesKey) : List.of();
        List<String> positive = new ArrayList<>(rows.size());
        List<String> negatives = new ArrayList<>(rows.size() * (groupSize - 1));
        float[] teacher = withScores ? new float[rows.size() * groupSize] : null;
        for (int row = 0; row < rows.size(); row++) {
            List<String> candidates = positives.get(row);
            int drawn = random.nextInt(candidates.size());
            positive.add(candidates.get(drawn));
            if (withScores) {
                teacher[row * groupSize] = positiveScores.get(row)[drawn];
            }
            if (groupSize > 1) {
                int[] chosen = sampleNegatives(negativeLists.get(row).size());
                for (int k = 0; k < chosen.length; k++) {
                    negatives.add(negativeLists.get(row).get(chosen[k]));
                    if (withScores) {
                        teacher[row * groupSize + 1 + k] = negativeScores.get(row)[chosen[k]];
                    }
                }
            }
        }
        return new Draw(queries, positive, negatives, teacher);
    }

    /**
     * The indexes of {@code G-1} negatives drawn without repetition from a row's {@code n}
     * negatives, repeated {@code ceil((G-1)/n)} times first when there are too few, as FlagEmbedding
     * does.
     */
    private int[] sampleNegatives(int n) {
        int wanted = groupSize - 1;
        int copies = n < wanted ? (wanted + n - 1) / n : 1;
        int[] pool = new int[n * copies];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i % n;
        }
        for (int i = 0; i < wanted; i++) {
            int j = i + random.nextInt(pool.length - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        return Arrays.copyOf(pool, wanted);
    }
}
