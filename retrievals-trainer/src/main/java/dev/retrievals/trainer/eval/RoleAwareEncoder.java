package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.TextEncoder;
import java.util.List;

/**
 * A text encoder that embeds queries and documents differently (for example with prompts, as
 * {@code AutoModelForEmbedding.encodeQueries} / {@code encodeDocuments} do).
 *
 * @deprecated every {@link TextEncoder} has {@link TextEncoder#encodeQueries} and
 *     {@link TextEncoder#encodeDocuments} now, and the evaluators call them on any encoder; implement
 *     {@link TextEncoder} instead
 */
@Deprecated
public interface RoleAwareEncoder extends TextEncoder {

    /** One vector per query, in input order. */
    float[][] encodeQueries(List<String> texts);

    /** One vector per document, in input order. */
    float[][] encodeDocuments(List<String> texts);
}
