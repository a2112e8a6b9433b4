package dev.retrievals.pytorch;

import dev.retrievals.core.RetrievalsException;

/**
 * How to encode a list of texts.
 *
 * @param batchSize texts per forward pass (at least 1; default 32)
 * @param normalize override of the model's normalisation, or {@code null} to keep it
 * @param role which instruction prefix to apply
 * @param showProgressBar whether to draw a progress bar on standard error
 */
public record EncodeOptions(int batchSize, Boolean normalize, TextRole role, boolean showProgressBar) {

    /** Checks the values. */
    public EncodeOptions {
        if (batchSize < 1) {
            throw new RetrievalsException("batch_size is " + batchSize + "; allowed: an integer >= 1");
        }
        if (role == null) {
            role = TextRole.PLAIN;
        }
    }

    /** Batch 32, the model's normalisation, no prefix, no progress bar. */
    public static EncodeOptions defaults() {
        return new EncodeOptions(32, null, TextRole.PLAIN, false);
    }

    /** A copy with a batch size. */
    public EncodeOptions withBatchSize(int value) {
        return new EncodeOptions(value, normalize, role, showProgressBar);
    }

    /** A copy with normalisation forced on or off. */
    public EncodeOptions withNormalize(Boolean value) {
        return new EncodeOptions(batchSize, value, role, showProgressBar);
    }

    /** A copy for queries or documents. */
    public EncodeOptions withRole(TextRole value) {
        return new EncodeOptions(batchSize, normalize, value, showProgressBar);
    }

    /** A copy with the progress bar on or off. */
    public EncodeOptions withProgressBar(boolean value) {
        return new EncodeOptions(batchSize, normalize, role, value);
    }
}
