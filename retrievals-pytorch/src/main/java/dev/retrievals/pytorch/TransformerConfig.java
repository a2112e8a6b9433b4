package dev.retrievals.pytorch;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The fields of a Hugging Face {@code config.json} that an encoder reads, with Hugging Face's
 * names and defaults. The whole JSON object is kept, so saving writes back every key, including
 * ones this project does not use.
 *
 * @param json the complete configuration, as read
 * @param source where it came from, for messages
 */
public record TransformerConfig(JsonObject json, String source) {

    /** Checks the keys every encoder needs; a missing or wrong key names the file and the key. */
    public TransformerConfig {
        json = json.deepCopy();
        modelType(json, source);
        for (String key : new String[] {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"}) {
            positiveInt(json, source, key);
        }
        int hidden = positiveInt(json, source, "hidden_size");
        int heads = positiveInt(json, source, "num_attention_heads");
        if (hidden % heads != 0) {
            throw new RetrievalsException(source + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        String positions = optionalString(json, source, "position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw new RetrievalsException(source + ": position_embedding_type '" + positions + "' is not supported; expected 'absolute'");
        }
    }

    /** Reads a {@code config.json} file. */
    public static TransformerConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RetrievalsException("Model configuration " + file + " does not exist");
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read model configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code config.json} text; {@code source} names it in messages. */
    public static TransformerConfig parse(String text, String source) {
        JsonElement element;
        try {
            element = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new RetrievalsException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!element.isJsonObject()) {
            throw new RetrievalsException(source + " must hold a JSON object, found " + element);
        }
        return new TransformerConfig(element.getAsJsonObject(), source);
    }

    /** {@code model_type}, lower case, with {@code -} as {@code _} (the plugin name of the architecture). */
    public String architectureName() {
        return modelType(json, source).toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code model_type} as written, for example {@code xlm-roberta}. */
    public String modelType() {
        return modelType(json, source);
    }

    /** {@code vocab_size}. */
    public int vocabSize() {
        return positiveInt(json, source, "vocab_size");
    }

    /** {@code hidden_size}. */
    public int hiddenSize() {
        return positiveInt(json, source, "hidden_size");
    }

    /** {@code num_hidden_layers}. */
    public int numHiddenLayers() {
        return positiveInt(json, source, "num_hidden_layers");
    }

    /** {@code num_attention_heads}. */
    public int numAttentionHeads() {
        return positiveInt(json, source, "num_attention_heads");
    }

    /** {@code intermediate_size}. */
    public int intermediateSize() {
        return positiveInt(json, source, "intermediate_size");
    }

    /** {@code hidden_act}, default {@code gelu}. */
    public String hiddenAct() {
        return optionalString(json, source, "hidden_act", "gelu");
    }

    /** {@code hidden_dropout_prob}, default 0.1. */
    public double hiddenDropoutProb() {
        return optionalDouble("hidden_dropout_prob", 0.1);
    }

    /** {@code attention_probs_dropout_prob}, default 0.1. */
    public double attentionProbsDropoutProb() {
        return optionalDouble("attention_probs_dropout_prob", 0.1);
    }

    /** {@code max_position_embeddings}, default 512. */
    public int maxPositionEmbeddings() {
        return (int) optionalDouble("max_position_embeddings", 512);
    }

    /** {@code type_vocab_size}, default 2. */
    public int typeVocabSize() {
        return (int) optionalDouble("type_vocab_size", 2);
    }

    /** {@code layer_norm_eps}, default 1e-12. */
    public double layerNormEps() {
        return optionalDouble("layer_norm_eps", 1e-12);
    }

    /** {@code pad_token_id}, default 0. */
    public long padTokenId() {
        return (long) optionalDouble("pad_token_id", 0);
    }

    /** The configuration as JSON (a copy). */
    @Override
    public JsonObject json() {
        return json.deepCopy();
    }

    private double optionalDouble(String key, double fallback) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new RetrievalsException(source + ": key '" + key + "' is " + value + "; expected a number");
        }
        return value.getAsDouble();
    }

    private static String modelType(JsonObject json, String source) {
        return requiredString(json, source, "model_type");
    }

    private static String requiredString(JsonObject json, String source, String key) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new RetrievalsException(source + ": key '" + key + "' is missing");
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new RetrievalsException(source + ": key '" + key + "' is " + value + "; expected a string");
        }
        return value.getAsString();
    }

    private static String optionalString(JsonObject json, String source, String key, String fallback) {
        return json.has(key) && !json.get(key).isJsonNull() ? requiredString(json, source, key) : fallback;
    }

    private static int positiveInt(JsonObject json, String source, String key) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new RetrievalsException(source + ": key '" + key + "' is missing; expected a positive integer");
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()
                || value.getAsDouble() != Math.rint(value.getAsDouble()) || value.getAsDouble() < 1
                || value.getAsDouble() > Integer.MAX_VALUE) {
            throw new RetrievalsException(source + ": key '" + key + "' is " + value + "; expected a positive integer");
        }
        return value.getAsInt();
    }
}
