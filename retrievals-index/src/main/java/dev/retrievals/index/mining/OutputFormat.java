package dev.retrievals.index.mining;

import java.util.Arrays;
import java.util.Locale;

/** How mined negatives are written, one JSON object per line. */
public enum OutputFormat {
    /** One row per (query, positive, negative): {@code query}, {@code positive}, {@code negative} (+ {@code positive_score}, {@code negative_score} with scores). */
    TRIPLET("triplet"),
    /**
     * One row per (query, positive) that got all {@code num_negatives} negatives: {@code query},
     * {@code positive}, {@code negative_1} … {@code negative_n} (+ {@code score}: the positive's score
     * then each negative's, with scores), sentence-transformers' n-tuple.
     */
    NTUPLE("ntuple"),
    /** One row per query, FlagEmbedding's fine-tuning format: {@code query}, {@code pos}, {@code neg}, {@code pos_scores}, {@code neg_scores}. */
    FLAG("flag");

    private final String optionValue;

    OutputFormat(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The name used in options, for example {@code ntuple}. */
    public String optionValue() {
        return optionValue;
    }

    /** The format named {@code name} (case-insensitive); an unknown name lists the allowed ones. */
    public static OutputFormat named(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(format -> format.optionValue.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Option 'format' is '" + name + "'; allowed: one of triplet, ntuple, flag"));
    }
}
