package dev.retrievals.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.model.DeviceName;
import dev.retrievals.trainer.TrainingArguments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;


/**
 * A training run described in one JSON file (flags override it):
 *
 * <pre>{@code
 * {
 *   "model": "bge-small-zh-v1.5", "pooling": "cls", "device": "gpu:0", "output_dir": "runs/cosent", "include_prompt": false,
 *   "data": {"train": "pairs.jsonl", "columns": {"s1": "sentence1"}, "take": 1000},
 *   "loss": {"name": "cosent", "options": {"scale": 20}},
 *   "collator": {"name": "scored_pair", "options": {"max_length": 64}},
 *   "eval": {"sts": "valid.jsonl", "retrieval": {"path": "scifact", "split": "dev", "retriever": "exact"}},
 *   "training_arguments": {"learning_rate": 5e-5, "num_train_epochs": 1, "warmup_ratio": 0.05},
 *   "export_onnx": true
 * }
 * }</pre>
 *
 * {@code eval.retrieval} is a BEIR folder, or an object of the {@code retrieval} evaluator's options
 * (its {@code path}, {@code split}, {@code retriever}, … see {@code retrievals info}). Relative paths
 * are resolved against the configuration file's folder. Unknown keys are errors.
 */
final class TrainConfig {
    private static final Set<String> KEYS = Set.of("model", "pooling", "device", "output_dir", "data", "loss", "collator", "eval",
            "training_arguments", "export_onnx", "task", "init_head", "include_prompt");
    /** The task that trains an embedding model (the default). */
    static final String EMBEDDING = "embedding";
    /** The task that trains a reranker (cross-encoder). */
    static final String RERANK = "rerank";

    String model = "bge-small-zh-v1.5";
    String pooling;
    /** cpu, gpu or gpu:N; {@code null} for the engine's default. */
    String device;
    /** Whether the pooling counts the prompt's tokens; {@code null} keeps the model's setting. */
    Boolean includePrompt;
    Path outputDir = Path.of("runs", "train");
    Path trainFile;
    final Map<String, String> columns = new LinkedHashMap<>();
    Integer take;
    String loss;
    final Map<String, Object> lossOptions = new LinkedHashMap<>();
    String collator;
    final Map<String, Object> collatorOptions = new LinkedHashMap<>();
    Path evalSts;
    /** Options of the retrieval evaluator ({@code path} first); empty without one. */
    final Map<String, Object> evalRetrieval = new LinkedHashMap<>();
    final Map<String, Object> trainingArguments = new LinkedHashMap<>();
    boolean exportOnnx = true;
    /** {@value #EMBEDDING} or {@value #RERANK}. */
    String task = EMBEDDING;
    /** Whether a reranker's classification head starts anew even when the model has one. */
    boolean initHead;

    /** Reads a configuration file. */
    static TrainConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("configuration file " + file + " does not exist");
        }
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new UsageException("configuration file " + file + " must hold a JSON object");
            }
            json = parsed.getAsJsonObject();
        } catch (IOException e) {
            throw new UsageException("cannot read configuration file " + file + ": " + e.getMessage());
        } catch (JsonParseException e) {
            throw new UsageException("configuration file " + file + " is not valid JSON: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        TrainConfig config = new TrainConfig();
        for (String key : json.keySet()) {
            if (!KEYS.contains(key)) {
                throw new UsageException("configuration file " + file + ": unknown key '" + key + "'; known keys: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        config.model = text(json, "model", config.model, file);
        config.task = checkedTask(text(json, "task", config.task, file), "configuration file " + file + ": 'task'");
        if (json.has("init_head")) {
            config.initHead = json.get("init_head").getAsBoolean();
        }
        config.pooling = text(json, "pooling", null, file);
        JsonElement include = json.get("include_prompt");
        if (include != null && !(include.isJsonPrimitive() && include.getAsJsonPrimitive().isBoolean())) {
            throw new UsageException("configuration file " + file + ": 'include_prompt' is " + include + "; expected true or false");
        }
        config.includePrompt = include == null ? null : include.getAsBoolean();
        config.device = text(json, "device", null, file);
        if (config.device != null) {
            try {
                DeviceName.parse(config.device);
            } catch (RetrievalsException e) {
                throw new UsageException("configuration file " + file + ": 'device': " + e.getMessage());
            }
        }
        String output = text(json, "output_dir", null, file);
        if (output != null) {
            config.outputDir = base.resolve(output);
        }
        JsonObject data = object(json, "data", file);
        if (data != null) {
            String train = text(data, "train", null, file);
            config.trainFile = train == null ? null : base.resolve(train);
            JsonObject columns = object(data, "columns", file);
            if (columns != null) {
                columns.entrySet().forEach(e -> config.columns.put(e.getKey(), e.getValue().getAsString()));
            }
            config.take = data.has("take") ? data.get("take").getAsInt() : null;
        }
        JsonObject loss = object(json, "loss", file);
        if (loss != null) {
            config.loss = text(loss, "name", null, file);
            putAll(config.lossOptions, object(loss, "options", file));
        }
        JsonObject collator = object(json, "collator", file);
        if (collator != null) {
            config.collator = text(collator, "name", null, file);
            putAll(config.collatorOptions, object(collator, "options", file));
        }
        JsonObject eval = object(json, "eval", file);
        if (eval != null) {
            for (String key : eval.keySet()) {
                if (!key.equals("sts") && !key.equals("retrieval")) {
                    throw new UsageException("configuration file " + file + ": unknown key 'eval." + key + "'; known keys: retrieval, sts");
                }
            }
            String sts = text(eval, "sts", null, file);
            config.evalSts = sts == null ? null : base.resolve(sts);
            if (eval.has("retrieval") && eval.get("retrieval").isJsonObject()) {
                putAll(config.evalRetrieval, eval.getAsJsonObject("retrieval"));
                if (!config.evalRetrieval.containsKey("path")) {
                    throw new UsageException("configuration file " + file + ": 'eval.retrieval' needs \"path\": the BEIR folder");
                }
                config.evalRetrieval.put("path", base.resolve(String.valueOf(config.evalRetrieval.get("path"))).toString());
            } else {
                String retrieval = text(eval, "retrieval", null, file);
                if (retrieval != null) {
                    config.evalRetrieval.put("path", base.resolve(retrieval).toString());
                }
            }
        }
        putAll(config.trainingArguments, object(json, "training_arguments", file));
        if (json.has("export_onnx")) {
            config.exportOnnx = json.get("export_onnx").getAsBoolean();
        }
        return config;
    }

    /** The configuration as it ran, for the run folder's {@code run.json}: the resolved pooling and collator, every training argument. */
    Map<String, Object> describe(String resolvedPooling, String resolvedCollator, TrainingArguments arguments) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task", task);
        json.put("model", model);
        json.put("pooling", resolvedPooling);
        if (task.equals(RERANK)) {
            json.put("init_head", initHead);
        }
        json.put("device", device);
        json.put("include_prompt", includePrompt);
        Map<String, Object> dataJson = new LinkedHashMap<>();
        dataJson.put("train", String.valueOf(trainFile));
        dataJson.put("columns", columns);
        dataJson.put("take", take);
        json.put("data", dataJson);
        json.put("loss", Map.of("name", loss, "options", lossOptions));
        json.put("collator", Map.of("name", resolvedCollator, "options", collatorOptions));
        Map<String, Object> evalJson = new LinkedHashMap<>();
        if (evalSts != null) {
            evalJson.put("sts", evalSts.toString());
        }
        if (!evalRetrieval.isEmpty()) {
            evalJson.put("retrieval", evalRetrieval);
        }
        json.put("eval", evalJson);
        json.put("training_arguments", arguments.asMap());
        json.put("export_onnx", exportOnnx);
        return json;
    }

    /** The task, checked: {@value #EMBEDDING} or {@value #RERANK}; {@code where} names the option in the error. */
    static String checkedTask(String task, String where) {
        if (!task.equals(EMBEDDING) && !task.equals(RERANK)) {
            throw new UsageException(where + " is '" + task + "'; allowed: " + EMBEDDING + ", " + RERANK);
        }
        return task;
    }

    private static String text(JsonObject json, String key, String fallback, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) {
            return fallback;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive()) {
            throw new UsageException("configuration file " + file + ": '" + key + "' must be text, found " + value);
        }
        return value.getAsString();
    }

    private static JsonObject object(JsonObject json, String key, Path file) {
        if (!json.has(key)) {
            return null;
        }
        if (!json.get(key).isJsonObject()) {
            throw new UsageException("configuration file " + file + ": '" + key + "' must be a JSON object, found " + json.get(key));
        }
        return json.getAsJsonObject(key);
    }

    /** Copies JSON values as text (numbers keep their written form), which the option specs convert and check. */
    private static void putAll(Map<String, Object> target, JsonObject source) {
        if (source != null) {
            source.entrySet().forEach(e -> target.put(e.getKey(), e.getValue().isJsonPrimitive()
                    ? e.getValue().getAsString() : e.getValue().toString()));
        }
    }
}
