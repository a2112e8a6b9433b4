package dev.retrievals.collators;

import static dev.retrievals.collators.CollatorOptions.MAX_LENGTH;
import static dev.retrievals.collators.CollatorOptions.PAD_TO_MULTIPLE_OF;
import static dev.retrievals.collators.CollatorOptions.QUERY_KEY;
import static dev.retrievals.collators.CollatorOptions.TOKENIZER;
import static dev.retrievals.collators.GroupCollator.NEGATIVES_KEY;
import static dev.retrievals.collators.GroupCollator.NEGATIVE_SCORES_KEY;
import static dev.retrievals.collators.GroupCollator.POSITIVES_KEY;
import static dev.retrievals.collators.GroupCollator.POSITIVE_SCORES_KEY;
import static dev.retrievals.collators.GroupCollator.SEED;
import static dev.retrievals.collators.GroupCollator.TRAIN_GROUP_SIZE;
import static dev.retrievals.collators.GroupCollator.WITH_SCORES;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.PairTokenizer;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mined groups for a cross-encoder, from rows in FlagEmbedding's format ({@code query}, {@code pos},
 * {@code neg}, and with {@code with_scores} {@code pos_scores}/{@code neg_scores}, as
 * {@code retrievals mine} writes them): each row's group of {@code train_group_size} documents is
 * drawn as {@link GroupCollator} draws it (one positive, {@code G - 1} negatives), and each
 * (query, document) pair is tokenized as one sequence into the text role {@link LossInputs#PAIR},
 * {@code G} pairs per row, the positive first; with scores the batch gets
 * {@link LossInputs#TEACHER_SCORE} {@code [rows, G]}. Feeds {@code listwise_ce}, {@code bce},
 * {@code margin_mse} and {@code distill_kl_div}. Reproducible: collate is synchronized.
 */
public final class RerankGroupCollator implements Collator {
    static final String NAME = "rerank_group";
    static final OptionSet OPTIONS = OptionSet.of(TOKENIZER, MAX_LENGTH, PAD_TO_MULTIPLE_OF, QUERY_KEY, POSITIVES_KEY, NEGATIVES_KEY,
            TRAIN_GROUP_SIZE, SEED, WITH_SCORES, POSITIVE_SCORES_KEY, NEGATIVE_SCORES_KEY);

    private final PairTokenizer pairs;
    private final GroupDraws draws;

    /** A collator reading {@code query}, {@code pos}, {@code neg}, with groups of {@code trainGroupSize} and seed 42. */
    public RerankGroupCollator(TextTokenizer tokenizer, int maxLength, int trainGroupSize) {
        this(OPTIONS.parse(Map.of(TOKENIZER.name(), tokenizer, MAX_LENGTH.name(), maxLength, TRAIN_GROUP_SIZE.name(), trainGroupSize),
                PairCollator.owner(NAME)));
    }

    RerankGroupCollator(Options options) {
        this.pairs = new PairTokenizer(options.get(TOKENIZER), options.get(MAX_LENGTH), options.get(PAD_TO_MULTIPLE_OF));
        this.draws = new GroupDraws(options);
    }

    /** A builder for every option. */
    public static CollatorBuilder<RerankGroupCollator> builder(TextTokenizer tokenizer) {
        return new CollatorBuilder<>(PairCollator.owner(NAME), OPTIONS, RerankGroupCollator::new, tokenizer);
    }

    @Override
    public Map<String, ColumnType> columnTypes() {
        return draws.columnTypes();
    }

    @Override
    public synchronized CollatedBatch collate(List<Map<String, Object>> rows) {
        GroupDraws.Draw draw = draws.draw(rows, PairCollator.owner(NAME));
        int group = draws.groupSize();
        List<String> queries = new ArrayList<>(rows.size() * group);
        List<String> documents = new ArrayList<>(rows.size() * group);
        for (int row = 0; row < rows.size(); row++) {
            for (int k = 0; k < group; k++) {
                queries.add(draw.queries().get(row));
                documents.add(k == 0 ? draw.positives().get(row) : draw.negatives().get(row * (group - 1) + k - 1));
            }
        }
        return new CollatedBatch(rows.size(), Map.of(LossInputs.PAIR, pairs.tokenize(queries, documents)), Map.of(),
                draws.withScores() ? Map.of(LossInputs.TEACHER_SCORE, draw.teacher()) : Map.of());
    }
}
