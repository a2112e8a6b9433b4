package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code retrievals evaluate --model ID|PATH (--sts FILE | --retrieval DIR | --classification FILE)
 * [--output FILE.json]}: prints the metrics and writes them as JSON.
 */
final class EvaluateCommand implements Main.Command {

    @Override
    public String summary() {
        return "score a model on STS pairs, a BEIR retrieval folder or a classification file";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Arguments flags = Arguments.parse("evaluate", args,
                Set.of("model", "pooling", "sts", "retrieval", "classification", "classification-test", "split", "output"),
                Set.of(), Set.of());
        String model = flags.require("model");
        Evaluator evaluator = evaluator(flags);
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model, flags.get("pooling"))) {
            EvaluationResult result = evaluator.evaluate(encoder);
            Map<String, Double> metrics = new TreeMap<>(result.metrics());
            metrics.forEach((name, value) -> out.printf(Locale.ROOT, "%-16s %.4f%n", name, value));
            out.printf("primary metric: %s%n", result.primaryMetric());
            if (flags.get("output") != null) {
                Path file = Path.of(flags.get("output"));
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(metrics) + "\n", StandardCharsets.UTF_8);
            }
        }
        return 0;
    }

    private static Evaluator evaluator(Arguments flags) {
        int chosen = (flags.has("sts") ? 1 : 0) + (flags.has("retrieval") ? 1 : 0) + (flags.has("classification") ? 1 : 0);
        if (chosen != 1) {
            throw new UsageException("'evaluate' needs exactly one of --sts FILE, --retrieval DIR, --classification FILE");
        }
        if (flags.has("sts")) {
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", existing(flags.get("sts"))));
        }
        if (flags.has("retrieval")) {
            Map<String, Object> options = new java.util.LinkedHashMap<>(Map.of("path", existing(flags.get("retrieval"))));
            if (flags.get("split") != null) {
                options.put("split", flags.get("split"));
            }
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", options);
        }
        String train = existing(flags.get("classification"));
        String test = flags.get("classification-test") != null ? existing(flags.get("classification-test")) : siblingTest(train);
        return PluginRegistry.global().create(PluginKinds.EVALUATOR, "classification", Map.of("train_path", train, "test_path", test));
    }

    /** {@code train.jsonl} → {@code test.jsonl} beside it, the usual layout of classification sets. */
    private static String siblingTest(String train) {
        Path test = Path.of(train).resolveSibling("test.jsonl");
        if (!Files.isRegularFile(test)) {
            throw new UsageException("--classification " + train + " needs a test split: --classification-test FILE (no " + test + ")");
        }
        return test.toString();
    }

    private static String existing(String path) {
        if (!Files.exists(Path.of(path))) {
            throw new UsageException("evaluation data " + path + " does not exist");
        }
        return path;
    }
}
