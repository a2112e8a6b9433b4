package dev.retrievals.core.collator;

import ai.djl.huggingface.tokenizers.Encoding;
import dev.retrievals.core.RetrievalsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes (query, document) pairs for a cross-encoder as the model's {@code tokenizer.json}
 * does: {@code [CLS] q [SEP] d [SEP]} with token type 0 then 1 for BERT, {@code <s> q </s></s> d
 * </s>} for RoBERTa and XLM-R (whatever the tokenizer's pair template says), truncated to
 * {@code maxLength} tokens in all with Hugging Face's {@code longest_first} strategy: when a pair
 * is too long, the shorter member keeps its tokens up to half the budget and the longer one gets
 * the rest; when both exceed half, each gets half (an odd token to the longer one, to the second
 * on a tie). Pads each batch to its longest pair. Thread-safe.
 *
 * <p>Each member is encoded on its own (content tokens, no special tokens) and the template's
 * special tokens are put around them, so the maximum length can be any value up to the
 * tokenizer's. A member longer than the tokenizer's own {@code max_length} is first cut there, so
 * for texts beyond it (512 tokens for most models) a tie may break differently from Hugging Face.
 */
public final class PairTokenizer {
    private final TextTokenizer tokenizer;
    private final int maxLength;
    private final int padToMultipleOf;
    private final long[] prefix;
    private final long[] prefixTypes;
    private final long firstType;
    private final long[] middle;
    private final long[] middleTypes;
    private final long secondType;
    private final long[] suffix;
    private final long[] suffixTypes;

    /**
     * @param maxLength the longest a pair may be in tokens, special tokens included: 0 for the
     *     tokenizer's {@code max_length}, else at least the template's special tokens plus 2 and at
     *     most the tokenizer's
     * @param padToMultipleOf pad each batch to a multiple of this many tokens (at least 1)
     */
    public PairTokenizer(TextTokenizer tokenizer, int maxLength, int padToMultipleOf) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength == 0 ? tokenizer.maxLength() : maxLength;
        this.padToMultipleOf = padToMultipleOf;
        if (padToMultipleOf < 1) {
            throw new RetrievalsException("pad_to_multiple_of is " + padToMultipleOf + "; allowed: an integer >= 1");
        }
        Encoding probe = tokenizer.encodePair("a", "b");
        long[] ids = probe.getIds();
        long[] types = probe.getTypeIds();
        long[] special = probe.getSpecialTokenMask();
        int firstStart = firstIndex(special, 0, 0);
        int firstEnd = firstIndex(special, firstStart, 1);
        int secondStart = firstIndex(special, firstEnd, 0);
        int secondEnd = firstIndex(special, secondStart, 1);
        if (firstStart == ids.length || secondStart == ids.length || firstIndex(special, secondEnd, 0) != ids.length) {
            throw new RetrievalsException("Tokenizer " + tokenizer.source() + " has no pair template (expected special tokens around"
                    + " two texts, got " + Arrays.toString(probe.getTokens()) + ")");
        }
        this.prefix = Arrays.copyOfRange(ids, 0, firstStart);
        this.prefixTypes = Arrays.copyOfRange(types, 0, firstStart);
        this.firstType = types[firstStart];
        this.middle = Arrays.copyOfRange(ids, firstEnd, secondStart);
        this.middleTypes = Arrays.copyOfRange(types, firstEnd, secondStart);
        this.secondType = types[secondStart];
        this.suffix = Arrays.copyOfRange(ids, secondEnd, ids.length);
        this.suffixTypes = Arrays.copyOfRange(types, secondEnd, ids.length);
        int least = specialTokens() + 2;
        if (this.maxLength < least || this.maxLength > tokenizer.maxLength()) {
            throw new RetrievalsException("max_length is " + maxLength + " for pairs with tokenizer " + tokenizer.source()
                    + "; allowed: 0 (the tokenizer's " + tokenizer.maxLength() + ") or an integer in [" + least + ", "
                    + tokenizer.maxLength() + "]");
        }
    }

    /** The first index at or after {@code from} whose mask value is {@code value}, or the length. */
    private static int firstIndex(long[] mask, int from, long value) {
        int index = from;
        while (index < mask.length && mask[index] != value) {
            index++;
        }
        return index;
    }

    /** The number of special tokens the template adds to a pair (3 for BERT, 4 for RoBERTa). */
    public int specialTokens() {
        return prefix.length + middle.length + suffix.length;
    }

    /** The longest a pair may be, in tokens, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The tokenizer the pairs are encoded with. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Tokenizes pairs {@code (first[i], second[i])} and pads them to the longest pair.
     *
     * @throws RetrievalsException when the lists differ in length
     */
    public TokenBatch tokenize(List<String> first, List<String> second) {
        if (first.size() != second.size()) {
            throw new RetrievalsException("Pair tokenization got " + first.size() + " first texts and " + second.size()
                    + " second texts; expected one of each per pair");
        }
        Encoding[] firsts = tokenizer.encodeWithoutSpecialTokens(first);
        Encoding[] seconds = tokenizer.encodeWithoutSpecialTokens(second);
        int budget = maxLength - specialTokens();
        List<long[]> rows = new ArrayList<>(first.size());
        List<long[]> rowTypes = new ArrayList<>(first.size());
        int longest = 0;
        for (int i = 0; i < firsts.length; i++) {
            long[] a = firsts[i].getIds();
            long[] b = seconds[i].getIds();
            int[] kept = longestFirst(a.length, b.length, budget);
            int length = specialTokens() + kept[0] + kept[1];
            long[] ids = new long[length];
            long[] types = new long[length];
            int at = put(ids, types, 0, prefix, prefixTypes);
            at = putContent(ids, types, at, a, kept[0], firstType);
            at = put(ids, types, at, middle, middleTypes);
            at = putContent(ids, types, at, b, kept[1], secondType);
            put(ids, types, at, suffix, suffixTypes);
            rows.add(ids);
            rowTypes.add(types);
            longest = Math.max(longest, length);
        }
        int width = (longest + padToMultipleOf - 1) / padToMultipleOf * padToMultipleOf;
        long[][] ids = new long[rows.size()][width];
        long[][] mask = new long[rows.size()][width];
        long[][] types = new long[rows.size()][width];
        for (int row = 0; row < rows.size(); row++) {
            long[] real = rows.get(row);
            Arrays.fill(ids[row], tokenizer.padId());
            System.arraycopy(real, 0, ids[row], 0, real.length);
            System.arraycopy(rowTypes.get(row), 0, types[row], 0, real.length);
            Arrays.fill(mask[row], 0, real.length, 1L);
        }
        return new TokenBatch(ids, mask, types);
    }

    /**
     * Hugging Face's {@code longest_first} truncation of two members of {@code n1} and {@code n2}
     * content tokens to {@code budget} tokens in all: the tokens each keeps.
     */
    static int[] longestFirst(int n1, int n2, int budget) {
        if (n1 + n2 <= budget) {
            return new int[] {n1, n2};
        }
        boolean swapped = n1 > n2;
        int shorter = Math.min(n1, n2);
        int longer = Math.max(n1, n2);
        int keptShorter = shorter;
        int keptLonger = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
        if (keptShorter + keptLonger > budget) {
            keptShorter = budget / 2;
            keptLonger = keptShorter + budget % 2;
        }
        keptShorter = Math.min(keptShorter, shorter);
        keptLonger = Math.min(keptLonger, longer);
        return swapped ? new int[] {keptLonger, keptShorter} : new int[] {keptShorter, keptLonger};
    }

    private static int put(long[] ids, long[] types, int at, long[] part, long[] partTypes) {
        System.arraycopy(part, 0, ids, at, part.length);
        System.arraycopy(partTypes, 0, types, at, part.length);
        return at + part.length;
    }

    private static int putContent(long[] ids, long[] types, int at, long[] content, int kept, long type) {
        System.arraycopy(content, 0, ids, at, kept);
        Arrays.fill(types, at, at + kept, type);
        return at + kept;
    }
}
