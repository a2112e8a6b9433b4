package dev.retrievals.cli;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the collator that feeds a loss from the data's columns, and refuses a loss the data cannot
 * feed before any training starts, naming the columns the loss needs and those the data has.
 */
final class CollatorChoice {
    private CollatorChoice() {}

    /** The collator plugin name for a loss and the data's columns. */
    static String choose(String lossName, Loss loss, List<String> dataColumns) {
        Set<String> needs = loss.requiredInputs();
        String collator;
        List<String> columns;
        if (needs.contains(LossInputs.LABEL) || needs.contains(LossInputs.TEXT)) {
            collator = "pointwise";
            columns = List.of("text", "label");
        } else if (needs.contains(LossInputs.SCORE)) {
            collator = "scored_pair";
            columns = List.of("sentence1", "sentence2", "score");
        } else if (dataColumns.contains("pos") && dataColumns.contains("neg")) {
            collator = "group";
            columns = List.of("query", "pos", "neg");
        } else if (needs.contains(LossInputs.NEGATIVE) || dataColumns.contains("negative")) {
            collator = "triplet";
            columns = List.of("query", "positive", "negative");
        } else {
            collator = "pair";
            columns = List.of("query", "positive");
        }
        if (!dataColumns.containsAll(columns)) {
            Set<String> missing = new TreeSet<>(columns);
            missing.removeAll(dataColumns);
            throw new UsageException("loss '" + lossName + "' needs inputs " + new TreeSet<>(needs) + ", which the " + collator
                    + " collator makes from columns " + columns + "; the data has columns " + dataColumns + " (missing "
                    + missing + "; rename columns with \"data\": {\"columns\": {\"old\": \"new\"}} in the config)");
        }
        return collator;
    }
}
