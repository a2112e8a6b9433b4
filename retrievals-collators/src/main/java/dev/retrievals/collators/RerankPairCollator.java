package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.TOKENIZER;
import static dev.retrievals.collators.ScoredPairCollator.SCORE_KEY;
import static dev.retrievals.collators.ScoredPairCollator.SENTENCE1_KEY;
import static dev.retrievals.collators.ScoredPairCollator.SENTENCE2_KEY;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.PairTokenizer;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.List;
import java.util.Map;

/**
 * Scored (query, document) pairs for a cross-encoder ({@code sentence1}, {@code sentence2},
 * {@code score} by default, as STS files and {@code scored_pair}): each pair is tokenized as one
 * sequence ({@link PairTokenizer}, {@code max_length} for the pair) into the text role
 * {@link LossInputs#PAIR}, and the score, divided by {@code score_scale}, becomes
 * {@link LossInputs#SCORE} (for {@code bce}, which wants targets in [0, 1]: STS scores 0–5 take
 * {@code score_scale} 5; 0/1 labels need none). Thread-safe.
 */
public final class RerankPairCollator implements Collator {
    static final String NAME = "rerank_pair";
    /** The pair's maximum length; 0 (the default) means the tokenizer's. */
    public static final OptionSpec<Integer> PAIR_MAX_LENGTH = MAX_LENGTH;
    /** Scores are divided by this, so that they lie in [0, 1]. */
    public static final OptionSpec<Double> SCORE_SCALE = OptionSpec.ofDouble("score_scale", 1.0,
            "divide each score by this so it lies in [0, 1] (5 for STS scores 0-5)").greaterThan(0);
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, PAIR_MAX_LENGTH, PAD_TO_MULTIPLE_OF, SENTENCE1_KEY, SENTENCE2_KEY, SCORE_KEY,
            SCORE_SCALE);

    private final String owner = PairCollator.owner(NAME);
    private final PairTokenizer pairs;
    private final List<String> columns;
    private final double scoreScale;

    /** A collator reading {@code sentence1}, {@code sentence2}, {@code score}, with scores divided by {@code scoreScale}. */
    public RerankPairCollator(TextTokenizer tokenizer, int maxLength, double scoreScale) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, MAX_LENGTH.name(), maxLength, SCORE_SCALE.name(), scoreScale),
                PairCollator.owner(NAME)));
    }

    RerankPairCollator(Options options) {
        this.pairs = new PairTokenizer(options.get(TOKENIZER), options.get(PAIR_MAX_LENGTH), options.get(PAD_TO_MULTIPLE_OF));
        this.columns = List.of(options.get(SENTENCE1_KEY), options.get(SENTENCE2_KEY), options.get(SCORE_KEY));
        this.scoreScale = options.get(SCORE_SCALE);
    }

    /** A builder for every option. */
    public static CollatorBuilder<RerankPairCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, RerankPairCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return BatchColumns.scoredPairTypes(columns);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, owner);
        float[] scores = BatchColumns.numbers(rows, columns.get(2));
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) (scores[i] / scoreScale);
        }
        return new CollatedBatch(rows.size(),
                Map.of(LossInputs.PAIR, pairs.tokenize(BatchColumns.texts(rows, columns.get(0)), BatchColumns.texts(rows, columns.get(1)))),
                Map.of(), Map.of(LossInputs.SCORE, scores));
    }
}
