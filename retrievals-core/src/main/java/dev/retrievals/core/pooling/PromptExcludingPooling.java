package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.retrievals.core.RetrievalsException;

/**
 * A pooling that leaves a prompt's tokens out (sentence-transformers' {@code include_prompt: false}):
 * in every row the first {@code promptLength} real tokens get attention-mask 0 before the inner
 * pooling runs, so {@code mean}, {@code max}, {@code weightedmean} and {@code mean_sqrt_len_tokens}
 * pool the text's own tokens only. The encoder still attends to the prompt; only the pooling skips it.
 *
 * <p>The prompt length counts the leading special token: for {@code [CLS] query : text [SEP]} with
 * prompt {@code "query: "} it is 1 + the prompt's tokens, as sentence-transformers computes it (the
 * tokenized prompt's length minus its trailing {@code [SEP]}). {@code cls} reads position 0 and
 * {@code lasttoken} the last real token, so neither changes, as in sentence-transformers. Rows that
 * are left-padded skip their padding first (sentence-transformers' sparse pooling does the same;
 * its dense pooling assumes right padding, where the two agree).
 */
public final class PromptExcludingPooling implements Pooling {
    private final Pooling inner;
    private final int promptLength;

    private PromptExcludingPooling(Pooling inner, int promptLength) {
        this.inner = inner;
        this.promptLength = promptLength;
    }

    /**
     * {@code inner} without the first {@code promptLength} real tokens of each row; {@code inner}
     * itself when the length is 0.
     *
     * @throws RetrievalsException for a negative prompt length
     */
    public static Pooling of(Pooling inner, int promptLength) {
        if (promptLength < 0) {
            throw new RetrievalsException("The prompt length is " + promptLength + "; expected a number of tokens >= 0");
        }
        return promptLength == 0 ? inner : new PromptExcludingPooling(inner, promptLength);
    }

    /** The number of leading real tokens left out. */
    public int promptLength() {
        return promptLength;
    }

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        long[] flat = attentionMask.toType(DataType.INT64, false).toLongArray();
        int sequence = Math.toIntExact(attentionMask.getShape().get(attentionMask.getShape().dimension() - 1));
        long[][] rows = new long[flat.length / Math.max(sequence, 1)][sequence];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(flat, row * sequence, rows[row], 0, sequence);
        }
        long[][] masked = withoutPrompt(rows);
        long[] maskedFlat = new long[flat.length];
        for (int row = 0; row < masked.length; row++) {
            System.arraycopy(masked[row], 0, maskedFlat, row * sequence, sequence);
        }
        NDArray mask = attentionMask.getManager().create(maskedFlat, attentionMask.getShape()).toType(attentionMask.getDataType(), false);
        return inner.pool(tokenEmbeddings, mask);
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        return inner.pool(tokenEmbeddings, hidden, withoutPrompt(attentionMask));
    }

    /** A copy of the mask with each row's first {@code promptLength} ones (after any left padding) set to 0. */
    long[][] withoutPrompt(long[][] attentionMask) {
        long[][] masked = new long[attentionMask.length][];
        for (int row = 0; row < attentionMask.length; row++) {
            masked[row] = attentionMask[row].clone();
            int first = 0;
            while (first < masked[row].length && masked[row][first] == 0) {
                first++;
            }
            for (int position = first; position < Math.min(first + promptLength, masked[row].length); position++) {
                masked[row][position] = 0;
            }
        }
        return masked;
    }

    @Override
    public String toString() {
        return inner + " without " + promptLength + " prompt tokens";
    }
}
