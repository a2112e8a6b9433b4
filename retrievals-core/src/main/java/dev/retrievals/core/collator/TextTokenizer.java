package dev.retrievals.core.collator;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} that truncates each text to a maximum length (special
 * tokens included, as Hugging Face counts them) and pads a batch to its longest text, optionally
 * rounded up to a multiple (8 suits tensor cores). Thread-safe; {@link AutoCloseable} because the
 * tokenizer is native.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final String source;
    private final int maxLength;
    private final long padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String source, int maxLength, long padId) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /**
     * Loads a {@code tokenizer.json} file.
     *
     * @param maxLength the longest a text may be, in tokens, special tokens included (at least 2)
     * @param padId the id written into padded positions (the model's {@code pad_token_id})
     */
    public static TextTokenizer fromFile(Path tokenizerJson, int maxLength, long padId) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new RetrievalsException("Tokenizer file " + tokenizerJson + " does not exist or is not a file");
        }
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return fromStream(in, tokenizerJson.toString(), maxLength, padId);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read tokenizer file " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Loads a {@code tokenizer.json} from a stream; {@code source} names it in messages. */
    public static TextTokenizer fromStream(InputStream tokenizerJson, String source, int maxLength, long padId) {
        checkMaxLength(maxLength);
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "true",
                    "truncation", "true",
                    "padding", "false",
                    "maxLength", String.valueOf(maxLength)));
            return new TextTokenizer(tokenizer, source, maxLength, padId);
        } catch (IOException | RuntimeException e) {
            throw new RetrievalsException("Cannot load tokenizer " + source + " (expected a Hugging Face tokenizer.json): "
                    + e.getMessage(), e);
        }
    }

    private static void checkMaxLength(int maxLength) {
        if (maxLength < 2) {
            throw new RetrievalsException("max_length is " + maxLength + "; allowed: an integer >= 2");
        }
    }

    /** Token ids of one text, with special tokens, truncated to {@link #maxLength()}. */
    public long[] ids(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** Encodings of texts without special tokens, truncated to {@link #maxLength()} (content tokens of pair members). */
    Encoding[] encodeWithoutSpecialTokens(List<String> texts) {
        return tokenizer.batchEncode(texts, false, false);
    }

    /** The encoding of one text pair with the tokenizer's special tokens (its pair template). */
    Encoding encodePair(String first, String second) {
        return tokenizer.encode(first, second, true, false);
    }

    /** Tokenizes texts and pads them to the longest one. */
    public TokenBatch tokenize(List<String> texts) {
        return tokenize(texts, 1);
    }

    /** Tokenizes texts and pads them to the longest one, rounded up to a multiple of {@code padToMultipleOf}. */
    public TokenBatch tokenize(List<String> texts, int padToMultipleOf) {
        if (padToMultipleOf < 1) {
            throw new RetrievalsException("pad_to_multiple_of is " + padToMultipleOf + "; allowed: an integer >= 1");
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int longest = 0;
        for (Encoding encoding : encodings) {
            longest = Math.max(longest, encoding.getIds().length);
        }
        int width = ((longest + padToMultipleOf - 1) / padToMultipleOf) * padToMultipleOf;
        long[][] ids = new long[encodings.length][width];
        long[][] mask = new long[encodings.length][width];
        long[][] types = new long[encodings.length][width];
        for (int row = 0; row < encodings.length; row++) {
            long[] rowIds = encodings[row].getIds();
            long[] rowTypes = encodings[row].getTypeIds();
            Arrays.fill(ids[row], padId);
            System.arraycopy(rowIds, 0, ids[row], 0, rowIds.length);
            System.arraycopy(rowTypes, 0, types[row], 0, rowTypes.length);
            Arrays.fill(mask[row], 0, rowIds.length, 1L);
        }
        return new TokenBatch(ids, mask, types);
    }

    /** The longest a text may be, in tokens, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The id written into padded positions. */
    public long padId() {
        return padId;
    }

    /** Where the tokenizer came from, for messages. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
