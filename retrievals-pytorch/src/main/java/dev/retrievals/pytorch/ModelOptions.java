package dev.retrievals.pytorch;

import dev.retrievals.core.RetrievalsException;

/**
 * How to load a model. Every field left {@code null} takes the saved model's own setting (its
 * {@code 1_Pooling/config.json}, {@code 2_Normalize}, {@code sentence_bert_config.json} and prompts)
 * or the field's default.
 *
 * @param pooling a pooling plugin name ({@code cls}, {@code mean} …)
 * @param normalize whether embeddings are L2-normalised
 * @param precision fp32 (default) or fp16
 * @param device {@code cpu}, {@code gpu}, {@code gpu:N}; {@code null} for the engine's default (a GPU when it sees one)
 * @param maxLength the longest input in tokens, special tokens included
 * @param queryInstruction a prefix for queries (for example {@code "query: "})
 * @param documentInstruction a prefix for documents
 */
public record ModelOptions(
        String pooling, Boolean normalize, Precision precision, String device, Integer maxLength,
        String queryInstruction, String documentInstruction) {

    /** Checks the values. */
    public ModelOptions {
        if (maxLength != null && maxLength < 2) {
            throw new RetrievalsException("max_length is " + maxLength + "; allowed: an integer >= 2");
        }
    }

    /** Every field from the model or its default. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, null, null, null, null, null, null);
    }

    /** A copy with a pooling. */
    public ModelOptions withPooling(String value) {
        return new ModelOptions(value, normalize, precision, device, maxLength, queryInstruction, documentInstruction);
    }

    /** A copy with normalisation on or off. */
    public ModelOptions withNormalize(Boolean value) {
        return new ModelOptions(pooling, value, precision, device, maxLength, queryInstruction, documentInstruction);
    }

    /** A copy with a precision. */
    public ModelOptions withPrecision(Precision value) {
        return new ModelOptions(pooling, normalize, value, device, maxLength, queryInstruction, documentInstruction);
    }

    /** A copy on a device. */
    public ModelOptions withDevice(String value) {
        return new ModelOptions(pooling, normalize, precision, value, maxLength, queryInstruction, documentInstruction);
    }

    /** A copy with a maximum input length. */
    public ModelOptions withMaxLength(Integer value) {
        return new ModelOptions(pooling, normalize, precision, device, value, queryInstruction, documentInstruction);
    }

    /** A copy with query and document prefixes. */
    public ModelOptions withInstructions(String query, String document) {
        return new ModelOptions(pooling, normalize, precision, device, maxLength, query, document);
    }
}
