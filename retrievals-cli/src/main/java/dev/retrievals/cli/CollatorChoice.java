package dev.retrievals.cli;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the collator that feeds a loss from the data's columns, and refuses a loss the data cannot
 * feed before any training starts, naming the columns the loss needs and those the data has. Files
 * written by {@code retrievals mine} are read as they are: FlagEmbedding rows ({@code pos},
 * {@code neg}) take the {@code group} collator, n-tuples ({@code negative_1} …) the {@code ntuple}
 * collator with as many negatives as the first row has, and a loss that needs teacher scores
 * ({@code margin_mse}, {@code distill_kl_div}) reads them from {@code pos_scores}/{@code neg_scores}
 * or the n-tuple's {@code score} list.
 *
 * @param name the collator plugin
 * @param options options the data's layout decides (the configuration's own options win)
 */
record CollatorChoice(String name, Map<String, Object> options) {
    private static final String NTUPLE_PREFIX = "negative_";

    /** The collator for a loss and the data's columns (those of its first row). */
    static CollatorChoice choose(String lossName, Loss loss, List<String> dataColumns) {
        Set<String> needs = loss.requiredInputs();
        boolean teacher = needs.contains(LossInputs.TEACHER_SCORE);
        int tupleNegatives = tupleNegatives(dataColumns);
        CollatorChoice choice;
        List<String> columns;
        if (needs.contains(LossInputs.LABEL) || needs.contains(LossInputs.TEXT)) {
            choice = new CollatorChoice("pointwise", Map.of());
            columns = List.of("text", "label");
        } else if (needs.contains(LossInputs.SCORE)) {
            choice = new CollatorChoice("scored_pair", Map.of());
            columns = List.of("sentence1", "sentence2", "score");
        } else if (dataColumns.contains("pos") && dataColumns.contains("neg")) {
            choice = new CollatorChoice("group", teacher ? Map.of("with_scores", true) : Map.of());
            columns = teacher ? List.of("query", "pos", "neg", "pos_scores", "neg_scores") : List.of("query", "pos", "neg");
        } else if (tupleNegatives > 0) {
            choice = new CollatorChoice("ntuple", teacher ? Map.of("num_negatives", tupleNegatives, "with_scores", true)
                    : Map.of("num_negatives", tupleNegatives));
            columns = new ArrayList<>(List.of("query", "positive"));
            if (teacher) {
                columns.add("score");
            }
        } else if (needs.contains(LossInputs.NEGATIVE) || dataColumns.contains("negative")) {
            choice = new CollatorChoice("triplet", Map.of());
            columns = List.of("query", "positive", "negative");
        } else {
            choice = new CollatorChoice("pair", Map.of());
            columns = List.of("query", "positive");
        }
        if (!dataColumns.containsAll(columns)) {
            Set<String> missing = new TreeSet<>(columns);
            missing.removeAll(dataColumns);
            String hint = teacher && !missing.isEmpty() && !needs.contains(LossInputs.LABEL)
                    ? "; teacher scores come with files written by 'retrievals mine --format flag' (or --format ntuple --scores)"
                    : "; rename columns with \"data\": {\"columns\": {\"old\": \"new\"}} in the config";
            throw new UsageException("loss '" + lossName + "' needs inputs " + new TreeSet<>(needs) + ", which the " + choice.name
                    + " collator makes from columns " + columns + "; the data has columns " + dataColumns + " (missing " + missing
                    + hint + ")");
        }
        if (teacher && choice.name.equals("triplet")) {
            throw new UsageException("loss '" + lossName + "' needs teacher scores, which triplet rows do not carry; mine with --format"
                    + " flag, or --format ntuple --scores");
        }
        return choice;
    }

    /** How many n-tuple negative columns ({@code negative_1}, {@code negative_2}, … without a gap) the data has. */
    static int tupleNegatives(List<String> dataColumns) {
        int count = 0;
        while (dataColumns.contains(NTUPLE_PREFIX + (count + 1))) {
            count++;
        }
        return count;
    }
}
