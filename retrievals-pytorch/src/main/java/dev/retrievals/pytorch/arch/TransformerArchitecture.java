package dev.retrievals.pytorch.arch;

import dev.retrievals.core.model.ModelArchitecture;
import dev.retrievals.pytorch.TransformerConfig;
import java.util.Map;

/**
 * A transformer encoder written against {@link EncoderOps}: its parameters (Hugging Face names and
 * layouts) and its forward pass to {@code last_hidden_state}.
 */
public interface TransformerArchitecture extends ModelArchitecture {

    /** Every parameter by Hugging Face name, in a stable order, with its shape. */
    Map<String, long[]> parameterShapes(TransformerConfig config);

    /** Whether the model reads token type ids (false when the config has one type only). */
    default boolean usesTokenTypes(TransformerConfig config) {
        return config.typeVocabSize() > 1;
    }

    /**
     * The forward pass.
     *
     * @param inputIds {@code [b, s]} token ids
     * @param attentionMask {@code [b, s]}, 1 for tokens, 0 for padding
     * @param tokenTypeIds {@code [b, s]} or {@code null} for all zeros
     * @return {@code last_hidden_state}, {@code [b, s, hidden]}
     */
    <T> T lastHiddenState(EncoderOps<T> ops, TransformerConfig config, T inputIds, T attentionMask, T tokenTypeIds);
}
