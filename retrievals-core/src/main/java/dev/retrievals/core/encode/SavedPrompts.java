package dev.retrievals.core.encode;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How prompts are kept in a sentence-transformers folder: {@code "prompts": {"query": ..., "document": ...}}
 * in {@code config_sentence_transformers.json} ({@code "passage"} is read where there is no
 * {@code "document"}, as E5-style models name it) and {@code "include_prompt"} in the pooling's
 * {@code 1_Pooling/config.json}. Read by both the PyTorch model and the ONNX Runtime encoder.
 *
 * @param query the saved query prompt, or {@code null} when the folder names none
 * @param document the saved document prompt, or {@code null} when the folder names none
 */
public record SavedPrompts(String query, String document) {
    /** The file that holds the prompts, beside the model. */
    public static final String CONFIG_FILE = "config_sentence_transformers.json";

    /**
     * The prompts of a {@code config_sentence_transformers.json}; both {@code null} when the file is
     * missing or has no {@code prompts}.
     *
     * @throws RetrievalsException naming the file and field when the file is not JSON or a prompt is not text
     */
    public static SavedPrompts read(Path configFile) {
        if (configFile == null || !Files.isRegularFile(configFile)) {
            return new SavedPrompts(null, null);
        }
        JsonElement prompts = object(configFile).get("prompts");
        if (prompts == null || prompts.isJsonNull()) {
            return new SavedPrompts(null, null);
        }
        if (!prompts.isJsonObject()) {
            throw new RetrievalsException(configFile + ": prompts is " + prompts + "; expected an object {\"query\": ..., \"document\": ...}");
        }
        JsonObject byName = prompts.getAsJsonObject();
        String document = text(byName, "document", configFile);
        return new SavedPrompts(text(byName, "query", configFile), document != null ? document : text(byName, "passage", configFile));
    }

    /**
     * {@code include_prompt} of a pooling's {@code config.json}; {@code null} when the file or the key
     * is missing (sentence-transformers then includes the prompt).
     *
     * @throws RetrievalsException naming the file when the value is not true or false
     */
    public static Boolean readIncludePrompt(Path poolingConfig) {
        if (poolingConfig == null || !Files.isRegularFile(poolingConfig)) {
            return null;
        }
        JsonElement value = object(poolingConfig).get("include_prompt");
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new RetrievalsException(poolingConfig + ": include_prompt is " + value + "; expected true or false");
        }
        return value.getAsBoolean();
    }

    /** The {@code prompts} object sentence-transformers writes: only the prompts that are set. */
    public static JsonObject json(Prompts prompts) {
        JsonObject json = new JsonObject();
        if (!prompts.query().isEmpty()) {
            json.addProperty("query", prompts.query());
        }
        if (!prompts.document().isEmpty()) {
            json.addProperty("document", prompts.document());
        }
        return json;
    }

    private static JsonObject object(Path file) {
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!json.isJsonObject()) {
                throw new RetrievalsException(file + ": expected a JSON object, found " + json);
            }
            return json.getAsJsonObject();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new RetrievalsException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A text field ({@code null} when absent). */
    private static String text(JsonObject json, String key, Path file) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new RetrievalsException(file + ": prompts." + key + " is " + value + "; expected text");
        }
        return value.getAsString();
    }
}
