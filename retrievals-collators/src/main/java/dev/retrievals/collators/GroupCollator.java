package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.DOCUMENT_PROMPT;
import static dev.retrievals.collators.CollatorOptions.DOCUMENT_MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
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
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *
 * <p>With {@code with_scores}, the rows' {@code pos_scores} and {@code neg_scores} (one number per
 * positive and per negative, as {@code retrievals mine --format flag} writes them) follow the draws:
 * the batch gets {@link LossInputs#TEACHER_SCORE} {@code [rows, G]}, the drawn positive's score then
 * the drawn negatives', so MarginMSE and DistillKLDiv train from a mined file as it is.
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
    /** Whether the rows' scores become the batch's teacher scores. */
    public static final OptionSpec<Boolean> WITH_SCORES = OptionSpec.ofBoolean("with_scores", false,
            "read pos_scores and neg_scores and hand the drawn documents' scores to the loss as teacher_score [rows, G]");
    /** The column of the positives' scores. */
    public static final OptionSpec<String> POSITIVE_SCORES_KEY =
            OptionSpec.ofString("positive_scores_key", "pos_scores", "column of the positives' scores (with_scores)");
    /** The column of the negatives' scores. */
    public static final OptionSpec<String> NEGATIVE_SCORES_KEY =
            OptionSpec.ofString("negative_scores_key", "neg_scores", "column of the negatives' scores (with_scores)");
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, QUERY_MAX_LENGTH, DOCUMENT_MAX_LENGTH, PAD_TO_MULTIPLE_OF,
            QUERY_PROMPT, DOCUMENT_PROMPT, MODEL_PROMPTS, QUERY_KEY, POSITIVES_KEY, NEGATIVES_KEY, TRAIN_GROUP_SIZE, SEED, WITH_SCORES,
            POSITIVE_SCORES_KEY, NEGATIVE_SCORES_KEY);

    private final PairCollator tokenizers;
    private final GroupDraws draws;

    /** A group collator reading columns {@code query}, {@code pos} and {@code neg}, with seed 42. */
    public GroupCollator(TextTokenizer tokenizer, int queryMaxLength, int documentMaxLength, int trainGroupSize) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, QUERY_MAX_LENGTH.name(), queryMaxLength,
                DOCUMENT_MAX_LENGTH.name(), documentMaxLength, TRAIN_GROUP_SIZE.name(), trainGroupSize), PairCollator.owner(NAME)));
    }

    GroupCollator(Options options) {
        this.tokenizers = new PairCollator(options, PairCollator.owner(NAME));
        this.draws = new GroupDraws(options);
    }

    /** A builder for every option. */
    public static CollatorBuilder<GroupCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, GroupCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return draws.columnTypes();
    }

    @Override
    public synchronized CollatedBatch collate(List<Map<String, Object>> rows) {
        GroupDraws.Draw draw = draws.draw(rows, PairCollator.owner(NAME));
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        texts.put(LossInputs.QUERY, tokenizers.tokenizeQueries(draw.queries()));
        texts.put(LossInputs.POSITIVE, tokenizers.tokenizeDocuments(draw.positives()));
        if (draws.groupSize() > 1) {
            texts.put(LossInputs.NEGATIVE, tokenizers.tokenizeDocuments(draw.negatives()));
        }
        return new CollatedBatch(rows.size(), texts, Map.of(),
                draws.withScores() ? Map.of(LossInputs.TEACHER_SCORE, draw.teacher()) : Map.of());
    }
}
