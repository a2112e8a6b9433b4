package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.PROMPT;
import static dev.retrievals.collators.CollatorOptions.MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.TOKENIZER;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence pairs with a gold similarity ({@code sentence1}, {@code sentence2}, {@code score}) for
 * CoSENT and cosine-similarity losses. Both sentences are truncated to {@code max_length} and take
 * the same prompt. Emits {@code sentence1} as {@link LossInputs#QUERY}, {@code sentence2} as
 * {@link LossInputs#POSITIVE} (the pair roles losses read; the second sentence need not be
 * similar) and the scores as {@link LossInputs#SCORE}. Numeric text (from CSV/TSV) is accepted as
 * a score. Thread-safe.
 */
public final class ScoredPairCollator implements Collator {
    static final String NAME = "scored_pair";
    /** The first sentence's column. */
    public static final OptionSpec<String> SENTENCE1_KEY = OptionSpec.ofString("sentence1_key", "sentence1", "column of the first sentence");
    /** The second sentence's column. */
    public static final OptionSpec<String> SENTENCE2_KEY = OptionSpec.ofString("sentence2_key", "sentence2", "column of the second sentence");
    /** The score's column. */
    public static final OptionSpec<String> SCORE_KEY = OptionSpec.ofString("score_key", "score", "column of the gold score");
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, MAX_LENGTH, PAD_TO_MULTIPLE_OF, PROMPT, SENTENCE1_KEY,
            SENTENCE2_KEY, SCORE_KEY);

    private final String owner = PairCollator.owner(NAME);
    private final RoleTokenizer sentences;
    private final List<String> columns;

    /** A scored-pair collator reading columns {@code sentence1}, {@code sentence2} and {@code score}. */
    public ScoredPairCollator(TextTokenizer tokenizer, int maxLength) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, MAX_LENGTH.name(), maxLength), PairCollator.owner(NAME)));
    }

    ScoredPairCollator(Options options) {
        this.sentences = new RoleTokenizer(options.get(TOKENIZER), MAX_LENGTH, options.get(MAX_LENGTH),
                options.get(PAD_TO_MULTIPLE_OF), options.get(PROMPT), owner);
        this.columns = List.of(options.get(SENTENCE1_KEY), options.get(SENTENCE2_KEY), options.get(SCORE_KEY));
    }

    /** A builder for every option. */
    public static CollatorBuilder<ScoredPairCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, ScoredPairCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return BatchColumns.scoredPairTypes(columns);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, owner);
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        texts.put(LossInputs.QUERY, sentences.tokenize(BatchColumns.texts(rows, columns.get(0))));
        texts.put(LossInputs.POSITIVE, sentences.tokenize(BatchColumns.texts(rows, columns.get(1))));
        return new CollatedBatch(rows.size(), texts, Map.of(), Map.of(LossInputs.SCORE, BatchColumns.numbers(rows, columns.get(2))));
    }
}
