package dev.retrievals.core.encode;

import java.util.List;

/**
 * Anything that turns texts into fixed-size vectors: a trainable model or an ONNX Runtime session.
 * Models trained with prompts (for example {@code "query: "} before queries) prepend them in
 * {@link #encodeQueries} and {@link #encodeDocuments}; {@link #encode} embeds texts as they are.
 */
public interface TextEncoder extends AutoCloseable {

    /** One vector per text, in input order. */
    float[][] encode(List<String> texts);

    /** One vector per query, with the model's query prompt prepended (none by default). */
    default float[][] encodeQueries(List<String> texts) {
        return encode(texts);
    }

    /** One vector per document, with the model's document prompt prepended (none by default). */
    default float[][] encodeDocuments(List<String> texts) {
        return encode(texts);
    }

    /**
     * One vector per text, with {@code prompt} put before each text instead of a role's own prompt
     * (for a prompt chosen by the caller, such as a miner's {@code query_prompt}). An encoder whose
     * pooling leaves prompts out ({@link Prompts#includePrompt()} false) leaves this prompt's tokens
     * out too; by default the prompt is simply prepended and {@link #encode} called.
     */
    default float[][] encodeWithPrompt(List<String> texts, String prompt) {
        return encode(prompt.isEmpty() ? texts : texts.stream().map(text -> text == null ? null : prompt + text).toList());
    }

    /** The prompts {@link #encodeQueries} and {@link #encodeDocuments} apply ({@link Prompts#NONE} by default). */
    default Prompts prompts() {
        return Prompts.NONE;
    }

    /** The length of each vector. */
    int dimension();

    @Override
    void close();
}
