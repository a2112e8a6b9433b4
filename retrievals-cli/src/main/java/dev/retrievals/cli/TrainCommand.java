package dev.retrievals.cli;

import dev.retrievals.collators.CollatorOptions;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.io.WritableFolder;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.GracefulShutdown;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainingArguments;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code retrievals train}: fine-tunes a model from a configuration file and flags. With no
 * arguments it runs the main job: bge-small-zh-v1.5 with CoSENT on the project's demo data,
 * evaluated before and after on held-out products, saved and exported to ONNX.
 */
final class TrainCommand implements Main.Command {
    /** How long Ctrl-C or SIGTERM waits for the current step, the checkpoint and the model to be written. */
    private static final java.time.Duration SHUTDOWN_WAIT = java.time.Duration.ofMinutes(5);
    /** The exit code after an interruption (128 + SIGINT, as shells report Ctrl-C). */
    private static final int INTERRUPTED = 130;
    private static final Set<String> VALUED = Set.of("config", "model", "pooling", "data", "loss", "collator", "eval-sts",
            "output-dir", "epochs", "max-steps", "batch-size", "learning-rate", "warmup-ratio", "seed");

    @Override
    public String summary() {
        return "fine-tune a model (no arguments: the demo job on bge-small-zh-v1.5)";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Arguments flags = Arguments.parse("train", args, VALUED, Set.of("no-export", "resume"), Set.of("loss-option"));
        TrainConfig config = flags.has("config") ? TrainConfig.read(Path.of(flags.get("config"))) : args.length == 0 ? demo(out) : new TrainConfig();
        override(config, flags);
        if (config.trainFile == null) {
            throw new UsageException("'train' needs training data: --data FILE or \"data\": {\"train\": FILE} in --config");
        }
        if (!Files.isRegularFile(config.trainFile)) {
            throw new UsageException("data file " + config.trainFile + " does not exist");
        }
        if (config.evalSts != null && !Files.isRegularFile(config.evalSts)) {
            throw new UsageException("evaluation file " + config.evalSts + " does not exist");
        }
        if (config.loss == null) {
            throw new UsageException("'train' needs a loss: --loss NAME (see 'retrievals info')");
        }
        TrainingArguments trainingArguments = TrainingArguments.fromMap(config.outputDir, config.trainingArguments);
        PluginProvider<Loss> lossProvider = PluginRegistry.global().provider(PluginKinds.LOSS, config.loss);
        Dataset data = dataset(config);
        List<String> columns = data.columnNames();
        if (columns.isEmpty()) {
            throw new UsageException("data file " + config.trainFile + " has no rows");
        }
        WritableFolder.require(trainingArguments.outputDir(), "output_dir");

        try (GracefulShutdown shutdown = GracefulShutdown.install(SHUTDOWN_WAIT);
                AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(config.model, config.pooling, ModelOptions.defaults())) {
            LabelMap labels = columns.contains("label") ? LabelMap.fromDataset(data, "label") : null;
            Loss loss = createLoss(lossProvider, config, labels, model.dimension(), columns);
            String collatorName = config.collator != null ? config.collator : CollatorChoice.choose(config.loss, loss, columns);
            Collator collator = createCollator(collatorName, config, model, labels);
            Evaluator evaluator = config.evalSts == null ? null
                    : PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", config.evalSts.toString()));
            out.printf("model %s (%s pooling), loss %s, collator %s, %s%n", config.model, model.poolingName(), config.loss,
                    collatorName, trainingArguments.outputDir());
            EvaluationResult before = evaluator == null ? null : evaluator.evaluate(model);
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(model).args(trainingArguments)
                    .trainDataset(data).collator(collator).loss(loss).listener(shutdown);
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
            } finally {
                if (loss instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
            Path saved = trainingArguments.outputDir().resolve("model");
            out.println("saved the model to " + saved);
            if (shutdown.requested()) {
                out.println("interrupted: run the same command with --resume to go on from the checkpoint in "
                        + trainingArguments.outputDir());
                return INTERRUPTED;
            }
            if (evaluator != null) {
                EvaluationResult after = evaluator.evaluate(model);
                printComparison(out, before, after);
            }
            if (config.exportOnnx) {
                out.println(Exports.export(model, trainingArguments.outputDir().resolve("onnx"), false));
            }
        }
        return 0;
    }

    /** The main job's configuration: the demo data written to runs/demo/data. */
    private static TrainConfig demo(PrintStream out) throws Exception {
        TrainConfig config = new TrainConfig();
        config.outputDir = Path.of("runs", "demo");
        Map<String, Path> files = DemoData.write(config.outputDir.resolve("data"));
        config.trainFile = files.get("train");
        config.evalSts = files.get("eval");
        config.model = "bge-small-zh-v1.5";
        config.loss = "cosent";
        config.collatorOptions.put("max_length", "32");
        config.trainingArguments.put("num_train_epochs", "1");
        config.trainingArguments.put("per_device_train_batch_size", "32");
        config.trainingArguments.put("learning_rate", "5e-5");
        config.trainingArguments.put("warmup_ratio", "0.05");
        config.trainingArguments.put("save_strategy", "no");
        config.trainingArguments.put("logging_steps", "5");
        out.println("demo: fine-tuning bge-small-zh-v1.5 with CoSENT on " + config.trainFile + ", evaluating on " + config.evalSts);
        return config;
    }

    private static void override(TrainConfig config, Arguments flags) {
        if (flags.get("model") != null) {
            config.model = flags.get("model");
        }
        if (flags.get("pooling") != null) {
            config.pooling = flags.get("pooling");
        }
        if (flags.get("data") != null) {
            config.trainFile = Path.of(flags.get("data"));
        }
        if (flags.get("loss") != null) {
            config.loss = flags.get("loss");
            config.lossOptions.clear();
        }
        config.lossOptions.putAll(flags.keyValues("loss-option"));
        if (flags.get("collator") != null) {
            config.collator = flags.get("collator");
        }
        if (flags.get("eval-sts") != null) {
            config.evalSts = Path.of(flags.get("eval-sts"));
        }
        if (flags.get("output-dir") != null) {
            config.outputDir = Path.of(flags.get("output-dir"));
        }
        putIfGiven(config, flags, "epochs", "num_train_epochs");
        putIfGiven(config, flags, "max-steps", "max_steps");
        putIfGiven(config, flags, "batch-size", "per_device_train_batch_size");
        putIfGiven(config, flags, "learning-rate", "learning_rate");
        putIfGiven(config, flags, "warmup-ratio", "warmup_ratio");
        putIfGiven(config, flags, "seed", "seed");
        if (flags.has("resume")) {
            config.trainingArguments.put("resume_from_checkpoint", "latest");
        }
        if (flags.has("no-export")) {
            config.exportOnnx = false;
        }
    }

    private static void putIfGiven(TrainConfig config, Arguments flags, String flag, String option) {
        if (flags.get(flag) != null) {
            config.trainingArguments.put(option, flags.get(flag));
        }
    }

    private static Dataset dataset(TrainConfig config) {
        Dataset data = Dataset.fromFile(config.trainFile);
        for (Map.Entry<String, String> rename : config.columns.entrySet()) {
            data = data.renameColumn(rename.getKey(), rename.getValue());
        }
        return config.take == null ? data : data.take(config.take);
    }

    /** The loss from its options, filling {@code num_classes} and {@code embedding_size} from the data and model when it takes them. */
    private static Loss createLoss(PluginProvider<Loss> provider, TrainConfig config, LabelMap labels, int dimension,
            List<String> columns) {
        Map<String, Object> options = new LinkedHashMap<>(config.lossOptions);
        for (OptionSpec<?> spec : provider.options().specs()) {
            if (spec.name().equals("num_classes") && labels == null && !options.containsKey("num_classes")) {
                throw new UsageException("loss '" + config.loss + "' is point-wise: it needs a 'label' column (and 'text');"
                        + " the data has columns " + columns);
            }
            if (spec.name().equals("num_classes")) {
                options.putIfAbsent("num_classes", labels.size());
            } else if (spec.name().equals("embedding_size")) {
                options.putIfAbsent("embedding_size", dimension);
            }
        }
        return PluginRegistry.global().create(PluginKinds.LOSS, config.loss, options);
    }

    private static Collator createCollator(String name, TrainConfig config, AutoModelForEmbedding model, LabelMap labels) {
        Map<String, Object> options = new LinkedHashMap<>(config.collatorOptions);
        options.put(CollatorOptions.TOKENIZER.name(), model.tokenizer());
        if (name.equals("pointwise")) {
            if (labels == null) {
                throw new UsageException("the pointwise collator needs a 'label' column in the data");
            }
            options.put("label_map", labels);
        }
        return PluginRegistry.global().create(PluginKinds.COLLATOR, name, options);
    }

    private static void printComparison(PrintStream out, EvaluationResult before, EvaluationResult after) {
        out.println();
        out.printf("%-12s %10s %10s%n", "metric", "before", "after");
        for (Map.Entry<String, Double> metric : after.metrics().entrySet()) {
            out.printf(Locale.ROOT, "%-12s %10.4f %10.4f%n", metric.getKey(), before.metrics().get(metric.getKey()), metric.getValue());
        }
    }
}
