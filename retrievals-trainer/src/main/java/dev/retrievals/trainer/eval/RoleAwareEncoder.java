package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.TextEncoder;
import java.util.List;

/**
 * A text encoder that embeds queries and documents differently (for example with instruction
 * prefixes, as {@code AutoModelForEmbedding.encodeQueries} / {@code encodeDocuments} do). The
 * retrieval evaluator uses these methods when the encoder implements this interface, and plain
 * {@link #encode} otherwise.
 */
public interface RoleAwareEncoder extends TextEncoder {

    /** One vector per query, in input order. */
    float[][] encodeQueries(List<String> texts);

    /** One vector per document, in input order. */
    float[][] encodeDocuments(List<String> texts);
}
