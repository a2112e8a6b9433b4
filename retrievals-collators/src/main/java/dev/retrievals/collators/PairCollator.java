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
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * (query, positive) pairs for contrastive losses with in-batch negatives (InfoNCE, SimCSE), as
 * open-retrievals' {@code PairCollator}: queries are truncated to {@code query_max_length},
 * positives to {@code document_max_length}, and each part is padded to its longest text. Emits
 * the roles {@link LossInputs#QUERY} and {@link LossInputs#POSITIVE}. Thread-safe.
 */
public final class PairCollator implements Collator {
    static final String NAME = "pair";
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, QUERY_MAX_LENGTH, DOCUMENT_MAX_LENGTH, PAD_TO_MULTIPLE_OF,
            QUERY_PROMPT, DOCUMENT_PROMPT, MODEL_PROMPTS, QUERY_KEY, POSITIVE_KEY);

    private final String owner;
    private final RoleTokenizer queries;
    private final RoleTokenizer documents;
    private final String queryKey;
    private final String positiveKey;

    /** A pair collator reading columns {@code query} and {@code positive}, without prompts of its own (the model's, when given) or extra padding. */
    public PairCollator(TextTokenizer tokenizer, int queryMaxLength, int documentMaxLength) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, QUERY_MAX_LENGTH.name(), queryMaxLength,
                DOCUMENT_MAX_LENGTH.name(), documentMaxLength), owner(NAME)));
    }

    PairCollator(Options options) {
        this(options, owner(NAME));
    }

    /** Reads the pair options from {@code options}, which may hold more (a triplet collator's). */
    PairCollator(Options options, String owner) {
        this.owner = owner;
        TextTokenizer tokenizer = options.get(TOKENIZER);
        int multiple = options.get(PAD_TO_MULTIPLE_OF);
        this.queries = new RoleTokenizer(tokenizer, QUERY_MAX_LENGTH, options.get(QUERY_MAX_LENGTH), multiple,
                CollatorOptions.queryPrompt(options), owner);
        this.documents = new RoleTokenizer(tokenizer, DOCUMENT_MAX_LENGTH, options.get(DOCUMENT_MAX_LENGTH), multiple,
                CollatorOptions.documentPrompt(options), owner);
        this.queryKey = options.get(QUERY_KEY);
        this.positiveKey = options.get(POSITIVE_KEY);
    }

    /** A builder for every option (keys, prompts, {@code pad_to_multiple_of}). */
    public static CollatorBuilder<PairCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(owner(NAME), OPTIONS, PairCollator::new, tokenizer);
    }

    static String owner(String name) {
        return "collator '" + name + "'";
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return BatchColumns.types(queryKey, ColumnType.TEXT, positiveKey, ColumnType.TEXT);
    }

    @Override
    public CollatedBatch collate(List<Map<String, Object>> rows) {
        return new CollatedBatch(rows.size(), tokenizePair(rows), Map.of(), Map.of());
    }

    /** The query and positive token batches, in that order. */
    Map<String, TokenBatch> tokenizePair(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, owner);
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        texts.put(LossInputs.QUERY, tokenizeQueries(BatchColumns.texts(rows, queryKey)));
        texts.put(LossInputs.POSITIVE, documents.tokenize(BatchColumns.texts(rows, positiveKey)));
        return texts;
    }

    /** Tokenizes queries. */
    TokenBatch tokenizeQueries(List<String> texts) {
        return queries.tokenize(texts);
    }

    /** Tokenizes documents (negatives) as positives are. */
    TokenBatch tokenizeDocuments(List<String> texts) {
        return documents.tokenize(texts);
    }
}
