package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/** How the distillation losses score a (query, document) pair of embeddings. */
public enum Similarity {
    /** The dot product of the raw embeddings ({@code util.pairwise_dot_score}, sentence-transformers' default). */
    DOT,
    /** The cosine of the angle: the dot product of the embeddings scaled to unit length. */
    COSINE;

    /** The option value, {@code dot} or {@code cosine}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for an option value. */
    public static Similarity fromOption(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** Embeddings as this similarity reads them: unchanged for {@link #DOT}, unit rows for {@link #COSINE}. */
    NDArray prepare(NDArray embeddings) {
        return this == COSINE ? LossMath.unit(embeddings) : embeddings;
    }
}
