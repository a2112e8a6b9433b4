package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.DOCUMENT_PROMPT;
import static dev.retrievals.collators.CollatorOptions.DOCUMENT_MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.POSITIVE_KEY;
import static dev.retrievals.collators.CollatorOptions.MODEL_PROMPTS;
import static dev.retrievals.collators.CollatorOptions.QUERY_PROMPT;
import static dev.retrievals.collators.CollatorOptions.QUERY_KEY;
import static dev.retrievals.collators.CollatorOptions.QUERY_MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.TOKENIZER;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.DataProblem;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sentence-transformers' n-tuples ({@code query}, {@code positive}, {@code negative_1} …
 * {@code negative_n}), as {@code retrievals mine --format ntuple} writes them: every negative of
 * every row, in column order. Emits {@link LossInputs#QUERY} and {@link LossInputs#POSITIVE}
 * ({@code [rows]}) and {@link LossInputs#NEGATIVE} ({@code [rows × n]}, query-major). With
 * {@code with_scores}, the row's {@code score} list (the positive's score, then each negative's)
 * becomes {@link LossInputs#TEACHER_SCORE} {@code [rows, 1 + n]} for MarginMSE and DistillKLDiv.
 * Thread-safe.
 */
public final class NTupleCollator implements Collator {
    static final String NAME = "ntuple";
    /** How many negative columns each row has. */
    public static final OptionSpec<Integer> NUM_NEGATIVES =
            OptionSpec.ofInt("num_negatives", 3, "negative columns per row: negative_1 … negative_n").atLeast(1);
    /** The prefix of the negative columns, numbered from 1. */
    public static final OptionSpec<String> NEGATIVE_PREFIX =
            OptionSpec.ofString("negative_prefix", "negative_", "negative columns are this prefix and 1 … n");
    /** Whether the row's scores become the batch's teacher scores. */
    public static final OptionSpec<Boolean> WITH_SCORES = OptionSpec.ofBoolean("with_scores", false,
            "read the score list (positive, then each negative) and hand it to the loss as teacher_score [rows, 1+n]");
    /** The column of the scores. */
    public static final OptionSpec<String> SCORE_KEY = OptionSpec.ofString("score_key", "score", "column of the score list (with_scores)");
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, QUERY_MAX_LENGTH, DOCUMENT_MAX_LENGTH, PAD_TO_MULTIPLE_OF,
            QUERY_PROMPT, DOCUMENT_PROMPT, MODEL_PROMPTS, QUERY_KEY, POSITIVE_KEY, NUM_NEGATIVES, NEGATIVE_PREFIX, WITH_SCORES, SCORE_KEY);

    private final PairCollator pairs;
    private final List<String> negativeKeys;
    private final boolean withScores;
    private final String scoreKey;

    /** An n-tuple collator reading columns {@code query}, {@code positive} and {@code negative_1} … {@code negative_n}. */
    public NTupleCollator(TextTokenizer tokenizer, int queryMaxLength, int documentMaxLength, int numNegatives) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, QUERY_MAX_LENGTH.name(), queryMaxLength,
                DOCUMENT_MAX_LENGTH.name(), documentMaxLength, NUM_NEGATIVES.name(), numNegatives), PairCollator.owner(NAME)));
    }

    NTupleCollator(Options options) {
        this.pairs = new PairCollator(options, PairCollator.owner(NAME));
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= options.get(NUM_NEGATIVES); i++) {
            keys.add(options.get(NEGATIVE_PREFIX) + i);
        }
        this.negativeKeys = List.copyOf(keys);
        this.withScores = options.get(WITH_SCORES);
        this.scoreKey = options.get(SCORE_KEY);
    }

    /** A builder for every option. */
    public static CollatorBuilder<NTupleCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, NTupleCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        Map<String, ColumnType> types = new LinkedHashMap<>(pairs.columnTypes());
        negativeKeys.forEach(key -> types.put(key, ColumnType.TEXT));
        if (withScores) {
            types.put(scoreKey, ColumnType.NUMBER_LIST);
        }
        return Collections.unmodifiableMap(types);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, PairCollator.owner(NAME));
        Map<String, TokenBatch> texts = pairs.tokenizePair(rows);
        List<List<String>> columns = new ArrayList<>();
        for (String key : negativeKeys) {
            columns.add(BatchColumns.texts(rows, key));
        }
        List<String> negatives = new ArrayList<>(rows.size() * negativeKeys.size());
        for (int row = 0; row < rows.size(); row++) {
            for (List<String> column : columns) {
                negatives.add(column.get(row));
            }
        }
        texts.put(LossInputs.NEGATIVE, pairs.tokenizeDocuments(negatives));
        if (!withScores) {
            return new CollatedBatch(rows.size(), texts, Map.of(), Map.of());
        }
        int perRow = 1 + negativeKeys.size();
        float[] teacher = new float[rows.size() * perRow];
        for (int row = 0; row < rows.size(); row++) {
            @SuppressWarnings("unchecked")
            List<Number> scores = (List<Number>) ColumnType.NUMBER_LIST.read(rows.get(row), scoreKey, BatchColumns.location(row));
            if (scores.size() != perRow) {
                throw new DataException(BatchColumns.location(row), DataProblem.WRONG_TYPE, "column '" + scoreKey + "' has " + scores.size()
                        + " numbers; expected " + perRow + " (the positive's score, then one per negative)");
            }
            for (int j = 0; j < perRow; j++) {
                teacher[row * perRow + j] = scores.get(j).floatValue();
            }
        }
        return new CollatedBatch(rows.size(), texts, Map.of(), Map.of(LossInputs.TEACHER_SCORE, teacher));
    }
}
