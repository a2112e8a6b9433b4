package dev.retrievals.cli;

import com.google.gson.JsonElement;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.eval.NamedEvaluator;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluation of a training run besides the configuration's {@code eval.sts} and
 * {@code eval.retrieval}: an evaluator plugin ({@code sts}, {@code retrieval}, {@code classification},
 * or one a third-party jar adds), its options and, for evaluations on data the run does not train on
 * ({@code eval.also}), a name that prefixes its metrics ({@code lcqmc-dev/spearman}).
 *
 * @param name the prefix of the metrics, or {@code null} for none
 * @param evaluator the evaluator plugin's name
 * @param options the plugin's options; paths ({@code path} and keys ending in {@code _path}) are absolute
 */
record EvaluatorSpec(String name, String evaluator, Map<String, Object> options) {

    /**
     * Reads one evaluator from configuration JSON: a text is the evaluator's {@code path}, an object
     * its options. Relative paths are resolved against {@code base}.
     *
     * @param where names the entry in error messages, e.g. {@code configuration file x.json: 'eval.also.lcqmc.sts'}
     */
    static EvaluatorSpec fromJson(String name, String evaluator, JsonElement value, Path base, String where) {
        if (!PluginRegistry.global().contains(PluginKinds.EVALUATOR, evaluator)) {
            throw new UsageException(where + ": unknown evaluator '" + evaluator + "'; known evaluators: "
                    + String.join(", ", PluginRegistry.global().names(PluginKinds.EVALUATOR)));
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (value.isJsonPrimitive()) {
            options.put("path", value.getAsString());
        } else if (value.isJsonObject()) {
            value.getAsJsonObject().entrySet().forEach(e -> options.put(e.getKey(), e.getValue().isJsonPrimitive()
                    ? e.getValue().getAsString() : e.getValue().toString()));
        } else {
            throw new UsageException(where + " must be a file path or a JSON object of the evaluator's options, found " + value);
        }
        options.replaceAll((key, option) -> isPath(key) ? base.resolve(String.valueOf(option)).toString() : option);
        if (name != null) {
            try {
                NamedEvaluator.requireValidName(name);
            } catch (RetrievalsException e) {
                throw new UsageException(where + ": " + e.getMessage());
            }
        }
        return new EvaluatorSpec(name, evaluator, options);
    }

    /** An STS evaluation of {@code file} named {@code name}, as {@code --eval-also NAME=FILE} gives it. */
    static EvaluatorSpec sts(String name, Path file) {
        return fromJson(name, "sts", new com.google.gson.JsonPrimitive(file.toString()), Path.of(""), "option --eval-also");
    }

    /** The evaluator, named when the spec has a name; invalid options fail naming the option and the evaluation. */
    Evaluator create() {
        Evaluator plain;
        try {
            plain = PluginRegistry.global().create(PluginKinds.EVALUATOR, evaluator, options);
        } catch (RetrievalsException e) {
            throw new UsageException("evaluation " + label() + ": " + e.getMessage());
        }
        return name == null ? plain : NamedEvaluator.of(name, plain);
    }

    /** Fails naming the evaluation when a file or folder its options point to does not exist. */
    void requireFiles() {
        options.forEach((key, value) -> {
            if (isPath(key) && !Files.exists(Path.of(String.valueOf(value)))) {
                throw new UsageException("evaluation " + label() + ": " + key + " " + value + " does not exist");
            }
        });
    }

    /** The spec as run.json records it. */
    Map<String, Object> describe() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (name != null) {
            json.put("name", name);
        }
        json.put("evaluator", evaluator);
        json.put("options", options);
        return json;
    }

    private String label() {
        return name == null ? "'" + evaluator + "'" : "'" + name + "' (" + evaluator + ")";
    }

    private static boolean isPath(String key) {
        return key.equals("path") || key.endsWith("_path");
    }
}
