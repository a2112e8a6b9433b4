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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *   "eval": {"sts": "valid.jsonl", "retrieval": {"path": "scifact", "split": "dev", "retriever": "exact"},
 *            "also": {"lcqmc-dev": {"sts": "../lcqmc-zh/dev.jsonl"}}},
 *   "training_arguments": {"learning_rate": 5e-5, "num_train_epochs": 1, "warmup_ratio": 0.05},
 *   "merge_ratio": 0.7,
 *   "export_onnx": true
 * }
 * }</pre>
 *
 * Several named training sets, each with its own data, loss and collator, go under
 * {@code "datasets"} instead of {@code data}, {@code loss} and {@code collator} (see
 * {@link TrainingSetsConfig}).
 * {@code eval.retrieval} is a BEIR folder, or an object of the {@code retrieval} evaluator's options
 * (its {@code path}, {@code split}, {@code retriever}, … see {@code retrievals info}). Any other
 * evaluator plugin can be named under {@code eval} with its options (for example
 * {@code "classification": {"train_path": ..., "test_path": ...}}). {@code eval.also} holds named
 * evaluations on data the run does not train on, each an object of evaluators like {@code eval}
 * itself; their metrics carry the name ({@code lcqmc-dev/spearman}), so a run shows what training
 * costs elsewhere. {@code merge_ratio} averages the trained weights with the base model's at the end
 * (LM-Cocktail; the ratio weighs the trained model). Relative paths are resolved against the
 * configuration file's folder. Unknown keys are errors.
 */
final class TrainConfig {
    private static final Set<String> KEYS = Set.of("model", "pooling", "device", "output_dir", "data", "loss", "collator", "eval",
            "training_arguments", "export_onnx", "task", "init_head", "merge_ratio", "include_prompt", TrainingSetsConfig.KEY);
    /** The key under {@code eval} of the named evaluations on other data. */
    static final String ALSO = "also";
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
    /** Evaluations besides {@link #evalSts} and {@link #evalRetrieval}: other evaluator plugins, and the named ones on other data. */
    final List<EvaluatorSpec> evalMore = new ArrayList<>();
    /** The weight of the trained model when it is averaged with its base at the end; {@code null}: no merging. */
    Double mergeRatio;
    final Map<String, Object> trainingArguments = new LinkedHashMap<>();
    boolean exportOnnx = true;
    /** {@value #EMBEDDING} or {@value #RERANK}. */
    String task = EMBEDDING;
    /** Whether a reranker's classification head starts anew even when the model has one. */
    boolean initHead;
    /** Several named training sets ({@code datasets}) instead of {@code data}, {@code loss} and {@code collator}; or {@code null}. */
    TrainingSetsConfig datasets;

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
            readEvaluations(config, eval, base, "configuration file " + file + ": 'eval", null);
        }
        config.datasets = TrainingSetsConfig.read(json, base, file);
        putAll(config.trainingArguments, object(json, "training_arguments", file));
        if (json.has("export_onnx")) {
            config.exportOnnx = json.get("export_onnx").getAsBoolean();
        }
        if (json.has("merge_ratio")) {
            config.mergeRatio = checkedMergeRatio(text(json, "merge_ratio", null, file), "configuration file " + file + ": 'merge_ratio'");
        }
        return config;
    }

    /**
     * Reads an {@code eval} object (or one entry of {@code eval.also}, then {@code name} is its name):
     * {@code sts} and {@code retrieval} of the top level keep their own fields; every other key is an
     * evaluator plugin; {@code also} (top level only) holds named objects of the same form.
     */
    private static void readEvaluations(TrainConfig config, JsonObject eval, Path base, String where, String name) {
        for (String key : eval.keySet()) {
            String entry = where + "." + key + "'";
            JsonElement value = eval.get(key);
            if (key.equals(ALSO) && name == null) {
                if (!value.isJsonObject()) {
                    throw new UsageException(entry + " must be a JSON object of named evaluations, e.g. {\"lcqmc-dev\": {\"sts\":"
                            + " \"dev.jsonl\"}}");
                }
                for (Map.Entry<String, JsonElement> named : value.getAsJsonObject().entrySet()) {
                    String namedWhere = where + "." + ALSO + "." + named.getKey();
                    if (!named.getValue().isJsonObject() || named.getValue().getAsJsonObject().size() == 0) {
                        throw new UsageException(namedWhere + "' must be a JSON object of evaluators, e.g. {\"sts\": \"dev.jsonl\"}");
                    }
                    readEvaluations(config, named.getValue().getAsJsonObject(), base, namedWhere, named.getKey());
                }
            } else if (key.equals("sts") && name == null && value.isJsonPrimitive()) {
                config.evalSts = base.resolve(value.getAsString());
            } else if (key.equals("retrieval") && name == null) {
                if (value.isJsonObject()) {
                    putAll(config.evalRetrieval, value.getAsJsonObject());
                    if (!config.evalRetrieval.containsKey("path")) {
                        throw new UsageException(entry + " needs \"path\": the BEIR folder");
                    }
                    config.evalRetrieval.put("path", base.resolve(String.valueOf(config.evalRetrieval.get("path"))).toString());
                } else if (value.isJsonPrimitive()) {
                    config.evalRetrieval.put("path", base.resolve(value.getAsString()).toString());
                }
            } else {
                config.evalMore.add(EvaluatorSpec.fromJson(name, key, value, base, entry));
            }
        }
    }

    /** A merge ratio, checked: a number from 0 to 1; {@code where} names the option in the error. */
    static double checkedMergeRatio(String text, String where) {
        double ratio;
        try {
            ratio = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new UsageException(where + " is '" + text + "'; expected a number from 0 to 1 (the weight of the trained model;"
                    + " 1 keeps it, 0 gives back the base)");
        }
        return ratio;
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
        json.putAll(datasets != null ? Map.of(TrainingSetsConfig.KEY, datasets.describe()) : describeData(resolvedCollator));
        Map<String, Object> evalJson = new LinkedHashMap<>();
        if (evalSts != null) {
            evalJson.put("sts", evalSts.toString());
        }
        if (!evalRetrieval.isEmpty()) {
            evalJson.put("retrieval", evalRetrieval);
        }
        if (!evalMore.isEmpty()) {
            evalJson.put("more", evalMore.stream().map(EvaluatorSpec::describe).toList());
        }
        json.put("eval", evalJson);
        json.put("merge_ratio", mergeRatio);
        json.put("training_arguments", arguments.asMap());
        json.put("export_onnx", exportOnnx);
        return json;
    }

    /** The {@code data}, {@code loss} and {@code collator} of a run with one training set (or of one named set). */
    Map<String, Object> describeData(String resolvedCollator) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> dataJson = new LinkedHashMap<>();
        dataJson.put("train", String.valueOf(trainFile));
        dataJson.put("columns", columns);
        dataJson.put("take", take);
        json.put("data", dataJson);
        json.put("loss", Map.of("name", loss, "options", lossOptions));
        json.put("collator", Map.of("name", resolvedCollator, "options", collatorOptions));
        return json;
    }

    /** The task, checked: {@value #EMBEDDING} or {@value #RERANK}; {@code where} names the option in the error. */
    static String checkedTask(String task, String where) {
        if (!task.equals(EMBEDDING) && !task.equals(RERANK)) {
            throw new UsageException(where + " is '" + task + "'; allowed: " + EMBEDDING + ", " + RERANK);
        }
        return task;
    }

    static String text(JsonObject json, String key, String fallback, Path file) {
        if (!json.has(key) || json.get(key).isJsonNull()) {
            return fallback;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive()) {
            throw new UsageException("configuration file " + file + ": '" + key + "' must be text, found " + value);
        }
        return value.getAsString();
    }

    static JsonObject object(JsonObject json, String key, Path file) {
        if (!json.has(key)) {
            return null;
        }
        if (!json.get(key).isJsonObject()) {
            throw new UsageException("configuration file " + file + ": '" + key + "' must be a JSON object, found " + json.get(key));
        }
        return json.getAsJsonObject(key);
    }

    /** Copies JSON values as text (numbers keep their written form), which the option specs convert and check. */
    static void putAll(Map<String, Object> target, JsonObject source) {
        if (source != null) {
            source.entrySet().forEach(e -> target.put(e.getKey(), e.getValue().isJsonPrimitive()
                    ? e.getValue().getAsString() : e.getValue().toString()));
        }
    }
}
