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

    /** The prompts {@link #encodeQueries} and {@link #encodeDocuments} apply ({@link Prompts#NONE} by default). */
    default Prompts prompts() {
        return Prompts.NONE;
    }

    /** The length of each vector. */
    int dimension();

    @Override
    void close();
}
