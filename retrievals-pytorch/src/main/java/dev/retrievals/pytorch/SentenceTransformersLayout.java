package dev.retrievals.pytorch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.encode.SavedPrompts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files sentence-transformers keeps beside a Hugging Face model: {@code modules.json},
 * {@code 1_Pooling/config.json}, {@code 2_Normalize}, {@code sentence_bert_config.json} and
 * {@code config_sentence_transformers.json}. Reading gives the saved pooling, normalisation,
 * maximum length and prompts; writing makes a folder Python's sentence-transformers loads.
 */
final class SentenceTransformersLayout {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
    private static final String TRANSFORMER = "sentence_transformers.models.Transformer";
    private static final String POOLING = "sentence_transformers.models.Pooling";
    private static final String NORMALIZE = "sentence_transformers.models.Normalize";
    /** Our pooling names and sentence-transformers' config keys, in its order. */
    private static final Map<String, String> POOLING_KEYS = new LinkedHashMap<>();

    static {
        POOLING_KEYS.put("cls", "pooling_mode_cls_token");
        POOLING_KEYS.put("mean", "pooling_mode_mean_tokens");
        POOLING_KEYS.put("max", "pooling_mode_max_tokens");
        POOLING_KEYS.put("mean_sqrt_len_tokens", "pooling_mode_mean_sqrt_len_tokens");
        POOLING_KEYS.put("weightedmean", "pooling_mode_weightedmean_tokens");
        POOLING_KEYS.put("lasttoken", "pooling_mode_lasttoken");
    }

    private SentenceTransformersLayout() {}

    /** The settings saved in a folder; every field is {@code null} where the folder says nothing. */
    static ModelOptions read(Path folder) {
        String pooling = null;
        Boolean normalize = null;
        Boolean includePrompt = null;
        Path modulesFile = folder.resolve("modules.json");
        if (Files.isRegularFile(modulesFile)) {
            normalize = false;
            for (JsonElement element : readJson(modulesFile).getAsJsonArray()) {
                JsonObject module = element.getAsJsonObject();
                String type = module.has("type") ? module.get("type").getAsString() : "";
                String path = module.has("path") ? module.get("path").getAsString() : "";
                if (type.equals(POOLING)) {
                    Path poolingConfig = folder.resolve(path).resolve("config.json");
                    pooling = poolingOf(poolingConfig);
                    includePrompt = SavedPrompts.readIncludePrompt(poolingConfig);
                } else if (type.equals(NORMALIZE)) {
                    normalize = true;
                }
            }
        }
        Integer maxLength = null;
        Path bertConfig = folder.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(bertConfig)) {
            JsonObject json = readJson(bertConfig).getAsJsonObject();
            if (json.has("max_seq_length") && !json.get("max_seq_length").isJsonNull()) {
                maxLength = json.get("max_seq_length").getAsInt();
            }
        }
        SavedPrompts prompts = SavedPrompts.read(folder.resolve(SavedPrompts.CONFIG_FILE));
        return new ModelOptions(pooling, normalize, null, null, maxLength, prompts.query(), prompts.document(), includePrompt);
    }

    private static String poolingOf(Path poolingConfig) {
        JsonObject json = readJson(poolingConfig).getAsJsonObject();
        List<String> modes = new ArrayList<>();
        POOLING_KEYS.forEach((name, key) -> {
            if (json.has(key) && json.get(key).getAsBoolean()) {
                modes.add(name);
            }
        });
        if (modes.size() != 1) {
            throw new RetrievalsException(poolingConfig + " enables " + (modes.isEmpty() ? "no pooling mode" : "poolings " + modes)
                    + "; exactly one of " + POOLING_KEYS.values() + " must be true");
        }
        return modes.get(0);
    }

    /** Writes the sentence-transformers files of a model into {@code folder}. */
    static void write(Path folder, String pooling, boolean normalize, int dimension, int maxLength, Prompts prompts)
            throws IOException {
        JsonArray modules = new JsonArray();
        modules.add(module(0, "", TRANSFORMER));
        modules.add(module(1, "1_Pooling", POOLING));
        if (normalize) {
            modules.add(module(2, "2_Normalize", NORMALIZE));
            Files.createDirectories(folder.resolve("2_Normalize"));
        }
        writeJson(folder.resolve("modules.json"), modules);

        String poolingKey = POOLING_KEYS.get(pooling);
        if (poolingKey == null) {
            throw new RetrievalsException("Pooling '" + pooling + "' has no sentence-transformers equivalent; saved models"
                    + " need one of " + POOLING_KEYS.keySet());
        }
        JsonObject poolingConfig = new JsonObject();
        poolingConfig.addProperty("word_embedding_dimension", dimension);
        POOLING_KEYS.forEach((name, key) -> poolingConfig.addProperty(key, name.equals(pooling)));
        poolingConfig.addProperty("include_prompt", prompts.includePrompt());
        Files.createDirectories(folder.resolve("1_Pooling"));
        writeJson(folder.resolve("1_Pooling").resolve("config.json"), poolingConfig);

        JsonObject bertConfig = new JsonObject();
        bertConfig.addProperty("max_seq_length", maxLength);
        bertConfig.addProperty("do_lower_case", false);
        writeJson(folder.resolve("sentence_bert_config.json"), bertConfig);

        JsonObject stConfig = new JsonObject();
        JsonObject versions = new JsonObject();
        versions.addProperty("sentence_transformers", "3.0.0");
        stConfig.add("__version__", versions);
        stConfig.add("prompts", SavedPrompts.json(prompts));
        stConfig.add("default_prompt_name", null);
        stConfig.addProperty("similarity_fn_name", "cosine");
        writeJson(folder.resolve(SavedPrompts.CONFIG_FILE), stConfig);
    }

    private static JsonObject module(int index, String path, String type) {
        JsonObject module = new JsonObject();
        module.addProperty("idx", index);
        module.addProperty("name", String.valueOf(index));
        module.addProperty("path", path);
        module.addProperty("type", type);
        return module;
    }

    /** Reads a JSON file; a missing or invalid file names the file. */
    static JsonElement readJson(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new RetrievalsException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Writes pretty-printed JSON. */
    static void writeJson(Path file, JsonElement json) throws IOException {
        Files.writeString(file, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
    }
}
