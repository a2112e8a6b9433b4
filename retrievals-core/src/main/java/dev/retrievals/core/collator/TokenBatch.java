package dev.retrievals.core.collator;

/**
 * Token ids of a batch of texts, padded to one length: what an encoder's forward pass reads.
 * Rows are texts, columns are positions. Immutable by convention (the arrays are not copied).
 *
 * @param inputIds token ids, {@code [batch][sequence]}
 * @param attentionMask 1 for real tokens, 0 for padding, {@code [batch][sequence]}
 * @param tokenTypeIds segment ids, {@code [batch][sequence]} (all 0 for single texts)
 * @param promptLength how many leading tokens of every row belong to a prompt put before the text
 *     (counted as {@link dev.retrievals.core.encode.Prompts#tokenCount} does; 0 for none). A model whose
 *     pooling leaves prompts out ({@code include_prompt: false}) skips them; sentence-transformers'
 *     {@code prompt_length} feature.
 */
public record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds, int promptLength) {

    /** A batch without a prompt. */
    public TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
        this(inputIds, attentionMask, tokenTypeIds, 0);
    }

    /** Checks that the three arrays are rectangular and of one shape, and the prompt length is not negative. */
    public TokenBatch {
        if (promptLength < 0) {
            throw new IllegalArgumentException("Token batch prompt length is " + promptLength + "; expected >= 0");
        }
        int width = inputIds.length == 0 ? 0 : inputIds[0].length;
        for (long[][] part : new long[][][] {inputIds, attentionMask, tokenTypeIds}) {
            if (part.length != inputIds.length) {
                throw new IllegalArgumentException("Token batch parts have " + inputIds.length + " and " + part.length + " rows");
            }
            for (long[] row : part) {
                if (row.length != width) {
                    throw new IllegalArgumentException("Token batch rows must all have length " + width + ", found " + row.length);
                }
            }
        }
    }

    /** The same tokens with {@code tokens} leading prompt tokens in every row. */
    public TokenBatch withPromptLength(int tokens) {
        return new TokenBatch(inputIds, attentionMask, tokenTypeIds, tokens);
    }

    /** The number of texts. */
    public int batchSize() {
        return inputIds.length;
    }

    /** The padded length of every row. */
    public int sequenceLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** The number of real (unpadded) tokens of each text. */
    public int[] lengths() {
        int[] lengths = new int[inputIds.length];
        for (int row = 0; row < lengths.length; row++) {
            for (long mask : attentionMask[row]) {
                lengths[row] += (int) mask;
            }
        }
        return lengths;
    }

    /** The share of positions that are padding, in [0, 1]. */
    public double paddingShare() {
        long total = (long) batchSize() * sequenceLength();
        if (total == 0) {
            return 0;
        }
        long real = 0;
        for (int length : lengths()) {
            real += length;
        }
        return 1.0 - (double) real / total;
    }
}
