package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.DOCUMENT_INSTRUCTION;
import static dev.retrievals.collators.CollatorOptions.DOCUMENT_MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.QUERY_INSTRUCTION;
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
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Rows of (query, positives, negatives) in FlagEmbedding's fine-tuning format
 * ({@code {"query": …, "pos": […], "neg": […]}}), sampled into groups of {@code train_group_size}
 * documents as FlagEmbedding does: one positive drawn at random, and {@code train_group_size - 1}
 * negatives drawn without repetition, or, when a row has too few, drawn from its negatives
 * repeated {@code ceil((G-1)/n)} times. Emits {@link LossInputs#QUERY} and
 * {@link LossInputs#POSITIVE} ({@code [rows]}) and {@link LossInputs#NEGATIVE}
 * ({@code [rows × (G-1)]}, row {@code i}'s negatives at {@code i·(G-1) … (i+1)·(G-1)-1}; absent
 * when {@code G = 1}). The draws come from a generator seeded by {@code seed}; collate is
 * synchronized so a run is reproducible.
 */
public final class GroupCollator implements Collator {
    static final String NAME = "group";
    /** The column of the positives (a list, or one text). */
    public static final OptionSpec<String> POSITIVES_KEY = OptionSpec.ofString("positive_key", "pos", "column of the positives");
    /** The column of the negatives (a non-empty list, or one text). */
    public static final OptionSpec<String> NEGATIVES_KEY = OptionSpec.ofString("negative_key", "neg", "column of the negatives");
    /** Documents per query: one positive and {@code G - 1} negatives. */
    public static final OptionSpec<Integer> TRAIN_GROUP_SIZE =
            OptionSpec.ofInt("train_group_size", 8, "documents per query: one positive and G-1 negatives").atLeast(1);
    /** The seed of the positive and negative draws. */
    public static final OptionSpec<Integer> SEED = OptionSpec.ofInt("seed", 42, "seed of the positive and negative draws");
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, QUERY_MAX_LENGTH, DOCUMENT_MAX_LENGTH, PAD_TO_MULTIPLE_OF,
            QUERY_INSTRUCTION, DOCUMENT_INSTRUCTION, QUERY_KEY, POSITIVES_KEY, NEGATIVES_KEY, TRAIN_GROUP_SIZE, SEED);

    private final PairCollator tokenizers;
    private final String queryKey;
    private final String positivesKey;
    private final String negativesKey;
    private final int groupSize;
    private final Random random;

    /** A group collator reading columns {@code query}, {@code pos} and {@code neg}, with seed 42. */
    public GroupCollator(TextTokenizer tokenizer, int queryMaxLength, int documentMaxLength, int trainGroupSize) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, QUERY_MAX_LENGTH.name(), queryMaxLength,
                DOCUMENT_MAX_LENGTH.name(), documentMaxLength, TRAIN_GROUP_SIZE.name(), trainGroupSize), PairCollator.owner(NAME)));
    }

    GroupCollator(Options options) {
        this.tokenizers = new PairCollator(options, PairCollator.owner(NAME));
        this.queryKey = options.get(QUERY_KEY);
        this.positivesKey = options.get(POSITIVES_KEY);
        this.negativesKey = options.get(NEGATIVES_KEY);
        this.groupSize = options.get(TRAIN_GROUP_SIZE);
        this.random = new Random(options.get(SEED));
    }

    /** A builder for every option. */
    public static CollatorBuilder<GroupCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, GroupCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return BatchColumns.types(queryKey, ColumnType.TEXT, positivesKey, ColumnType.TEXT_LIST, negativesKey, ColumnType.TEXT_LIST);
    }

    @Override
    public synchronized CollatedBatch collate(List<Map<String, Object>> rows) {
        BatchColumns.requireRows(rows, PairCollator.owner(NAME));
        List<String> queries = BatchColumns.texts(rows, queryKey);
        List<List<String>> positives = BatchColumns.textLists(rows, positivesKey);
        List<List<String>> negativeLists = groupSize > 1 ? BatchColumns.textLists(rows, negativesKey) : List.of();
        List<String> positive = new ArrayList<>(rows.size());
        List<String> negatives = new ArrayList<>(rows.size() * (groupSize - 1));
        for (int row = 0; row < rows.size(); row++) {
            List<String> candidates = positives.get(row);
            positive.add(candidates.get(random.nextInt(candidates.size())));
            if (groupSize > 1) {
                negatives.addAll(sampleNegatives(negativeLists.get(row)));
            }
        }
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        texts.put(LossInputs.QUERY, tokenizers.tokenizeQueries(queries));
        texts.put(LossInputs.POSITIVE, tokenizers.tokenizeDocuments(positive));
        if (groupSize > 1) {
            texts.put(LossInputs.NEGATIVE, tokenizers.tokenizeDocuments(negatives));
        }
        return new CollatedBatch(rows.size(), texts, Map.of(), Map.of());
    }

    /** {@code G-1} negatives without repetition from the row's negatives, repeated as FlagEmbedding does when too few. */
    private List<String> sampleNegatives(List<String> negatives) {
        int wanted = groupSize - 1;
        List<String> pool = new ArrayList<>();
        int copies = negatives.size() < wanted ? (wanted + negatives.size() - 1) / negatives.size() : 1;
        for (int copy = 0; copy < copies; copy++) {
            pool.addAll(negatives);
        }
        for (int i = 0; i < wanted; i++) {
            int j = i + random.nextInt(pool.size() - i);
            String swap = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, swap);
        }
        return pool.subList(0, wanted);
    }
}
