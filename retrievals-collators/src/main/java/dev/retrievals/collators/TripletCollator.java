package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.DOCUMENT_PROMPT;
import static dev.retrievals.collators.CollatorOptions.DOCUMENT_MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.NEGATIVE_KEY;
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
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import java.util.List;
import java.util.Map;

/**
 * (query, positive, negative) triplets for triplet losses and InfoNCE with one hard negative, as
 * open-retrievals' {@code TripletCollator}: a {@link PairCollator} plus the role
 * {@link LossInputs#NEGATIVE}, one negative per row, truncated like positives. Thread-safe.
 */
public final class TripletCollator implements Collator {
    static final String NAME = "triplet";
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, QUERY_MAX_LENGTH, DOCUMENT_MAX_LENGTH, PAD_TO_MULTIPLE_OF,
            QUERY_PROMPT, DOCUMENT_PROMPT, MODEL_PROMPTS, QUERY_KEY, POSITIVE_KEY, NEGATIVE_KEY);

    private final PairCollator pairs;
    private final String negativeKey;

    /** A triplet collator reading columns {@code query}, {@code positive} and {@code negative}. */
    public TripletCollator(TextTokenizer tokenizer, int queryMaxLength, int documentMaxLength) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, QUERY_MAX_LENGTH.name(), queryMaxLength,
                DOCUMENT_MAX_LENGTH.name(), documentMaxLength), PairCollator.owner(NAME)));
    }

    TripletCollator(Options options) {
        this.pairs = new PairCollator(options, PairCollator.owner(NAME));
        this.negativeKey = options.get(NEGATIVE_KEY);
    }

    /** A builder for every option. */
    public static CollatorBuilder<TripletCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, TripletCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        Map<String, ColumnType> types = new java.util.LinkedHashMap<>(pairs.columnTypes());
        types.put(negativeKey, ColumnType.TEXT);
        return java.util.Collections.unmodifiableMap(types);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        Map<String, TokenBatch> texts = pairs.tokenizePair(rows);
        texts.put(LossInputs.NEGATIVE, pairs.tokenizeDocuments(BatchColumns.texts(rows, negativeKey)));
        return new CollatedBatch(rows.size(), texts, Map.of(), Map.of());
    }
}
