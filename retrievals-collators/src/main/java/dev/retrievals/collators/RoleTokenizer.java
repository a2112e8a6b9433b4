package dev.retrievals.collators;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes the texts of one role (query, document …): prepends the role's prompt (and records its
 * length in tokens on the batch, see {@link TokenBatch#promptLength()}), truncates
 * each text to the role's maximum length as Hugging Face does (content tokens are cut from the
 * right, the special tokens around them kept), and pads to the longest text, rounded up to a
 * multiple.
 *
 * <p>The tokenizer's own maximum length is an upper bound; a shorter role maximum is applied here
 * by cutting the tokenizer's output, keeping the trailing special tokens, which gives the same ids
 * as a tokenizer loaded with the shorter maximum.
 */
final class RoleTokenizer {
    private final TextTokenizer tokenizer;
    private final int maxLength;
    private final int padToMultipleOf;
    private final String prompt;
    private final int promptLength;
    private final int trailingSpecialTokens;

    /**
     * @param maxLengthOption the option that set {@code maxLength}: 0 for the tokenizer's, else in [2, the tokenizer's]
     * @throws dev.retrievals.core.spi.InvalidOptionException if {@code maxLength} exceeds the tokenizer's max_length
     */
    RoleTokenizer(TextTokenizer tokenizer, OptionSpec<Integer> maxLengthOption, int maxLength, int padToMultipleOf,
            String prompt, String owner) {
        if (maxLength != 0) {
            maxLengthOption.required().atLeast(2).atMost(tokenizer.maxLength()).check(maxLength,
                    owner + " with tokenizer " + tokenizer.source() + " of max_length " + tokenizer.maxLength());
        }
        this.tokenizer = tokenizer;
        this.maxLength = maxLength == 0 ? tokenizer.maxLength() : maxLength;
        this.padToMultipleOf = padToMultipleOf;
        this.prompt = prompt;
        this.promptLength = Prompts.tokenCount(tokenizer, prompt);
        this.trailingSpecialTokens = trailingSpecialTokens(tokenizer);
    }

    /** How many special tokens the tokenizer appends after a text (1 for BERT's [SEP]). */
    private static int trailingSpecialTokens(TextTokenizer tokenizer) {
        long[] empty = tokenizer.ids("");
        long[] word = tokenizer.ids("hello");
        int leading = 0;
        while (leading < empty.length && leading < word.length && empty[leading] == word[leading]) {
            leading++;
        }
        return empty.length - leading;
    }

    /** Tokenizes, truncates and pads the texts of this role. */
    TokenBatch tokenize(List<String> texts) {
        List<String> prefixed = new ArrayList<>(texts.size());
        for (String text : texts) {
            prefixed.add(prompt + text);
        }
        TokenBatch full = tokenizer.tokenize(prefixed);
        int[] lengths = full.lengths();
        int longest = 0;
        for (int length : lengths) {
            longest = Math.max(longest, Math.min(length, maxLength));
        }
        int width = (longest + padToMultipleOf - 1) / padToMultipleOf * padToMultipleOf;
        long[][] ids = new long[texts.size()][width];
        long[][] mask = new long[texts.size()][width];
        long[][] types = new long[texts.size()][width];
        for (int row = 0; row < texts.size(); row++) {
            Arrays.fill(ids[row], tokenizer.padId());
            int kept = Math.min(lengths[row], maxLength);
            int head = kept == lengths[row] ? kept : kept - trailingSpecialTokens;
            copyTruncated(full.inputIds()[row], ids[row], head, lengths[row], kept);
            copyTruncated(full.tokenTypeIds()[row], types[row], head, lengths[row], kept);
            Arrays.fill(mask[row], 0, kept, 1L);
        }
        return new TokenBatch(ids, mask, types, promptLength);
    }

    /** Copies the first {@code head} values and then the values up to {@code length}, {@code kept} in all. */
    private static void copyTruncated(long[] from, long[] to, int head, int length, int kept) {
        System.arraycopy(from, 0, to, 0, head);
        System.arraycopy(from, length - (kept - head), to, head, kept - head);
    }
}
