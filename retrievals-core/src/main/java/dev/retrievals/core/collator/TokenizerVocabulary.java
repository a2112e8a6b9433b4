package dev.retrievals.core.collator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.nio.charset.StandardCharsets;

/** The largest token id a Hugging Face {@code tokenizer.json} can produce (its vocabulary and added tokens). */
public final class TokenizerVocabulary {
    private TokenizerVocabulary() {}

    /**
     * The largest id of {@code model.vocab} (an object of token to id, or Unigram's array of
     * pieces) and {@code added_tokens}; {@code source} names the file in errors.
     */
    public static long maxTokenId(byte[] tokenizerJson, String source) {
        JsonObject root;
        try {
            root = JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new RetrievalsException(source + " is not a Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
        long max = -1;
        JsonElement model = root.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (var entry : vocab.getAsJsonObject().entrySet()) {
                max = Math.max(max, entry.getValue().getAsLong());
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            max = vocab.getAsJsonArray().size() - 1L;
        } else {
            throw new RetrievalsException(source + ": no model.vocab (expected a Hugging Face tokenizer.json)");
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement token : added.getAsJsonArray()) {
                if (token.isJsonObject() && token.getAsJsonObject().has("id")) {
                    max = Math.max(max, token.getAsJsonObject().get("id").getAsLong());
                }
            }
        }
        return max;
    }

    /** Fails unless every id of the tokenizer indexes a row of an embedding table of {@code rows} rows. */
    public static void checkFits(byte[] tokenizerJson, String tokenizerSource, long rows, String modelSource) {
        long maxId = maxTokenId(tokenizerJson, tokenizerSource);
        if (maxId >= rows) {
            throw new RetrievalsException("Tokenizer " + tokenizerSource + " does not fit " + modelSource + ": it produces token ids"
                    + " up to " + maxId + " but the model's word embedding table has " + rows + " rows (ids 0.." + (rows - 1)
                    + "). Use the tokenizer.json the model was trained with.");
        }
    }
}
