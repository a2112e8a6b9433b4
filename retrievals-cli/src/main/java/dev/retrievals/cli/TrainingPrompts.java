package dev.retrievals.cli;

import dev.retrievals.collators.CollatorOptions;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.util.Locale;
import java.util.Map;

/**
 * The prompts of a training run: a {@code query_prompt} / {@code document_prompt} collator option (or
 * its former name) becomes the model's prompt, so the trained model is saved with it and
 * {@code encode} / {@code evaluate} on the run folder use it without flags; the collator gets the
 * model's prompts for the roles no option names.
 */
final class TrainingPrompts {
    private TrainingPrompts() {}

    /** {@code options} with the prompts the collator options name (the others stay the model's own). */
    static ModelOptions modelOptions(ModelOptions options, Map<String, ?> collatorOptions) {
        return options.withPrompts(given(collatorOptions, CollatorOptions.QUERY_PROMPT),
                given(collatorOptions, CollatorOptions.DOCUMENT_PROMPT));
    }

    /** Adds the model's prompts to the options of a collator that takes them. */
    static void addModelPrompts(Map<String, Object> collatorOptions, String collator, AutoModelForEmbedding model) {
        boolean takesPrompts = PluginRegistry.global().<Collator>provider(PluginKinds.COLLATOR, collator).options().specs().stream()
                .anyMatch(spec -> spec.name().equals(CollatorOptions.MODEL_PROMPTS.name()));
        if (takesPrompts) {
            collatorOptions.put(CollatorOptions.MODEL_PROMPTS.name(), model.prompts());
        }
    }

    /** The value given under the option's name or a former name, or {@code null}. */
    private static String given(Map<String, ?> options, OptionSpec<String> spec) {
        for (Map.Entry<String, ?> entry : options.entrySet()) {
            String key = entry.getKey().trim().toLowerCase(Locale.ROOT);
            if ((key.equals(spec.name()) || spec.formerNames().contains(key)) && entry.getValue() != null) {
                return String.valueOf(entry.getValue());
            }
        }
        return null;
    }
}
