package dev.retrievals.pytorch;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.Prompts;

/**
 * How to load a model. Every field left {@code null} takes the saved model's own setting (its
 * {@code 1_Pooling/config.json}, {@code 2_Normalize}, {@code sentence_bert_config.json} and the prompts
 * of {@code config_sentence_transformers.json}) or the field's default.
 *
 * @param pooling a pooling plugin name ({@code cls}, {@code mean} …)
 * @param normalize whether embeddings are L2-normalised
 * @param precision fp32 (default) or fp16
 * @param device {@code cpu}, {@code gpu}, {@code gpu:N}; {@code null} for the engine's default (a GPU when it sees one)
 * @param maxLength the longest input in tokens, special tokens included
 * @param queryPrompt text put before queries (for example {@code "query: "}; "" for none)
 * @param documentPrompt text put before documents ("" for none)
 * @param includePrompt whether the pooling counts the prompt's tokens ({@code include_prompt}; default true)
 */
public record ModelOptions(
        String pooling, Boolean normalize, Precision precision, String device, Integer maxLength,
        String queryPrompt, String documentPrompt, Boolean includePrompt) {

    /** Checks the values. */
    public ModelOptions {
        if (maxLength != null && maxLength < 2) {
            throw new RetrievalsException("max_length is " + maxLength + "; allowed: an integer >= 2");
        }
    }

    /** Every field from the model or its default. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, null, null, null, null, null, null, null);
    }

    /** A copy with a pooling. */
    public ModelOptions withPooling(String value) {
        return new ModelOptions(value, normalize, precision, device, maxLength, queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy with normalisation on or off. */
    public ModelOptions withNormalize(Boolean value) {
        return new ModelOptions(pooling, value, precision, device, maxLength, queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy with a precision. */
    public ModelOptions withPrecision(Precision value) {
        return new ModelOptions(pooling, normalize, value, device, maxLength, queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy on a device. */
    public ModelOptions withDevice(String value) {
        return new ModelOptions(pooling, normalize, precision, value, maxLength, queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy with a maximum input length. */
    public ModelOptions withMaxLength(Integer value) {
        return new ModelOptions(pooling, normalize, precision, device, value, queryPrompt, documentPrompt, includePrompt);
    }

    /** A copy with query and document prompts ({@code null} keeps the model's own, "" means none). */
    public ModelOptions withPrompts(String query, String document) {
        return new ModelOptions(pooling, normalize, precision, device, maxLength, query, document, includePrompt);
    }

    /** A copy with all of {@code prompts} (prompts and {@code include_prompt}). */
    public ModelOptions withPrompts(Prompts prompts) {
        return withPrompts(prompts.query(), prompts.document()).withIncludePrompt(prompts.includePrompt());
    }

    /** A copy whose pooling counts the prompt tokens, or leaves them out ({@code null} keeps the model's setting). */
    public ModelOptions withIncludePrompt(Boolean value) {
        return new ModelOptions(pooling, normalize, precision, device, maxLength, queryPrompt, documentPrompt, value);
    }

    /**
     * A copy with query and document prompts.
     *
     * @deprecated the prompts are one setting now; use {@link #withPrompts(String, String)}
     */
    @Deprecated
    public ModelOptions withInstructions(String query, String document) {
        return withPrompts(query, document);
    }

    /** These options' prompts where set, else {@code saved}'s, else none. */
    Prompts promptsOver(ModelOptions saved) {
        return new Prompts(first(queryPrompt, saved.queryPrompt, ""), first(documentPrompt, saved.documentPrompt, ""),
                first(includePrompt, saved.includePrompt, Boolean.TRUE));
    }

    private static <T> T first(T value, T saved, T fallback) {
        return value != null ? value : saved != null ? saved : fallback;
    }
}
