package dev.retrievals.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code datasets} key of a training configuration: several named training sets, each with its
 * own data, loss and collator, trained in one run (each step from one set; see
 * {@code multi_dataset_batch_sampler}):
 *
 * <pre>{@code
 * "datasets": {
 *   "sts": {"train": "sts.jsonl", "loss": {"name": "cosent"}},
 *   "nli": {"train": "nli.jsonl", "columns": {"anchor": "query"}, "take": 5000,
 *           "loss": {"name": "infonce", "options": {"temperature": 0.05}}, "collator": {"name": "triplet"}}
 * }
 * }</pre>
 *
 * Each set reads like the top-level {@code data}, {@code loss} and {@code collator} of a one-set
 * run ({@code train} and {@code loss} are required; the collator follows from the loss and the
 * columns when not given), and excludes them. Relative paths are resolved against the configuration
 * file's folder; an unknown key is an error naming the set and the key.
 */
final class TrainingSetsConfig {
    /** The configuration key. */
    static final String KEY = "datasets";
    private static final Set<String> SET_KEYS = Set.of("train", "columns", "take", "loss", "collator");
    private static final Set<String> PLUGIN_KEYS = Set.of("name", "options");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Each set by name, in the file's order, described as a one-set configuration (data, loss and collator only). */
    final Map<String, TrainConfig> sets = new LinkedHashMap<>();

    /** The sets of a configuration file's JSON, or {@code null} without {@value #KEY}. */
    static TrainingSetsConfig read(JsonObject json, Path base, Path file) {
        JsonObject datasets = TrainConfig.object(json, KEY, file);
        if (datasets == null) {
            return null;
        }
        for (String single : List.of("data", "loss", "collator")) {
            if (json.has(single)) {
                throw new UsageException("configuration file " + file + ": '" + KEY + "' and '" + single + "' exclude each other;"
                        + " give each set its own \"train\", \"loss\" and \"collator\" inside \"" + KEY + "\"");
            }
        }
        if (datasets.size() == 0) {
            throw new UsageException("configuration file " + file + ": '" + KEY + "' names no training set");
        }
        TrainingSetsConfig config = new TrainingSetsConfig();
        for (Map.Entry<String, JsonElement> entry : datasets.entrySet()) {
            config.sets.put(entry.getKey(), readSet(entry.getKey(), datasets, base, file));
        }
        return config;
    }

    private static TrainConfig readSet(String name, JsonObject datasets, Path base, Path file) {
        String where = "configuration file " + file + ": '" + KEY + "." + name;
        if (!NAME.matcher(name).matches()) {
            throw new UsageException(where + "': a set's name must be letters, digits, '_', '-' or '.'");
        }
        JsonObject json = TrainConfig.object(datasets, name, file);
        checkKeys(json, SET_KEYS, where);
        TrainConfig set = new TrainConfig();
        String train = TrainConfig.text(json, "train", null, file);
        if (train == null) {
            throw new UsageException(where + "' needs \"train\": the file of its training rows");
        }
        set.trainFile = base.resolve(train);
        if (!Files.isRegularFile(set.trainFile)) {
            throw new UsageException(where + ".train': data file " + set.trainFile + " does not exist");
        }
        JsonObject columns = TrainConfig.object(json, "columns", file);
        if (columns != null) {
            columns.entrySet().forEach(e -> set.columns.put(e.getKey(), e.getValue().getAsString()));
        }
        if (json.has("take")) {
            JsonElement take = json.get("take");
            if (!take.isJsonPrimitive() || !take.getAsJsonPrimitive().isNumber() || take.getAsDouble() < 1
                    || take.getAsDouble() != Math.rint(take.getAsDouble())) {
                throw new UsageException(where + ".take' is " + take + "; expected a whole number of rows, at least 1");
            }
            set.take = take.getAsInt();
        }
        JsonObject loss = TrainConfig.object(json, "loss", file);
        if (loss == null || TrainConfig.text(loss, "name", null, file) == null) {
            throw new UsageException(where + "' needs \"loss\": {\"name\": ...} (see 'retrievals info')");
        }
        checkKeys(loss, PLUGIN_KEYS, where + ".loss");
        set.loss = TrainConfig.text(loss, "name", null, file);
        TrainConfig.putAll(set.lossOptions, TrainConfig.object(loss, "options", file));
        JsonObject collator = TrainConfig.object(json, "collator", file);
        if (collator != null) {
            checkKeys(collator, PLUGIN_KEYS, where + ".collator");
            set.collator = TrainConfig.text(collator, "name", null, file);
            TrainConfig.putAll(set.collatorOptions, TrainConfig.object(collator, "options", file));
        }
        return set;
    }

    private static void checkKeys(JsonObject json, Set<String> known, String where) {
        for (String key : json.keySet()) {
            if (!known.contains(key)) {
                throw new UsageException(where + "': unknown key '" + key + "'; known keys: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** The sets as they ran, for {@code run.json}: each set's data, loss and resolved collator. */
    Map<String, Object> describe() {
        Map<String, Object> json = new LinkedHashMap<>();
        sets.forEach((name, set) -> json.put(name, set.describeData(set.collator)));
        return json;
    }
}
