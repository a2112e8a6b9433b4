package dev.retrievals.cli;

import dev.retrievals.cli.report.RunRecord;
import dev.retrievals.cli.report.TrainingReport;
import dev.retrievals.collators.CollatorOptions;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.io.WritableFolder;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.GracefulShutdown;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainingArguments;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code retrievals train}: fine-tunes a model from a configuration file and flags. With no
 * arguments it runs the main job: bge-small-zh-v1.5 with CoSENT on the project's demo data,
 * evaluated before and after on held-out products, saved and exported to ONNX. The run folder
 * gets {@code run.json} (the configuration), {@code evaluation.json} (before/after) and
 * {@code report.html} with plots, also when the run is interrupted.
 */
@Command(name = "train", sortOptions = false, description = {"Fine-tune a model from a JSON configuration (see examples/configs/)"
        + " and flags, which override it. With no options: the demo job (bge-small-zh-v1.5, CoSENT, demo data in runs/demo).",
    "Writes OUTPUT_DIR/model, metrics.jsonl, report.html and (unless --no-export) the ONNX export OUTPUT_DIR/onnx.",
    "The model, the loss's parameters, the optimizer's state and every batch live on --device."})
final class TrainCommand extends CliCommand {
    /** How long Ctrl-C or SIGTERM waits for the current step, the checkpoint and the model to be written. */
    static final java.time.Duration SHUTDOWN_WAIT = java.time.Duration.ofMinutes(5);
    /** The exit code after an interruption (128 + SIGINT, as shells report Ctrl-C). */
    static final int INTERRUPTED = 130;

    @Option(names = "--config", paramLabel = "FILE", description = "A training configuration (JSON); relative paths in it are"
            + " resolved against its folder.")
    Path configFile;

    @Option(names = "--task", paramLabel = "embedding|rerank", description = "What to train: an embedding model (default) or a"
            + " reranker (cross-encoder; a model without a classification head gets a new one).")
    String task;

    @Option(names = "--init-head", description = "With --task rerank: start a new classification head even if the model has one.")
    boolean initHead;

    @Option(names = "--model", paramLabel = "ID|PATH", description = ModelSelection.DESCRIPTION + " Default: bge-small-zh-v1.5.")
    String model;

    @Option(names = "--pooling", paramLabel = "NAME", description = ModelSelection.POOLING)
    String pooling;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = ModelSelection.DEVICE)
    String device;

    @Option(names = "--data", paramLabel = "FILE", description = "Training data (JSONL, JSON, CSV or TSV).")
    Path data;

    @Option(names = "--loss", paramLabel = "NAME", description = "The loss (infonce, cosent, triplet, arcface, ...; see 'retrievals info').")
    String loss;

    @Option(names = "--loss-option", paramLabel = "KEY=VALUE", description = "An option of the loss (repeatable), e.g."
            + " --loss-option temperature=0.05.")
    List<String> lossOptions = new ArrayList<>();

    @Option(names = "--collator", paramLabel = "NAME", description = "The collator; by default it follows from the loss and the"
            + " data's columns.")
    String collator;

    @Option(names = "--score-scale", paramLabel = "X", description = "With --task rerank and scored pairs: divide the scores by X"
            + " so they lie in [0, 1] (5 for STS scores 0-5).")
    String scoreScale;

    @Option(names = "--eval-sts", paramLabel = "FILE", description = "Scored pairs to evaluate on before and after training.")
    Path evalSts;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "The run folder (default: runs/train).")
    Path outputDir;

    @Option(names = "--epochs", paramLabel = "N", description = "num_train_epochs.")
    String epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "max_steps: stop after N optimizer steps.")
    String maxSteps;

    @Option(names = "--batch-size", paramLabel = "N", description = "per_device_train_batch_size.")
    String batchSize;

    @Option(names = "--learning-rate", paramLabel = "X", description = "learning_rate.")
    String learningRate;

    @Option(names = "--warmup-ratio", paramLabel = "X", description = "warmup_ratio.")
    String warmupRatio;

    @Option(names = "--seed", paramLabel = "N", description = "seed of shuffling, dropout and initialisation.")
    String seed;

    @Option(names = "--resume", description = "Go on from the newest complete checkpoint in the output folder.")
    boolean resume;

    @Option(names = "--no-export", description = "Do not export the trained model to ONNX.")
    boolean noExport;

    @Override
    protected int run() throws Exception {
        PrintWriter out = out();
        boolean verbose = CliLogging.verboseRequested(spec.commandLine().getParseResult());
        boolean demo = configFile == null && spec.commandLine().getParseResult().matchedOptions().stream()
                .allMatch(option -> option.longestName().equals("--verbose") || option.longestName().equals("--device"));
        TrainConfig config = configFile != null ? TrainConfig.read(configFile) : demo ? demo(out, verbose) : new TrainConfig();
        override(config);
        if (config.trainFile == null) {
            throw new UsageException("'train' needs training data: --data FILE or \"data\": {\"train\": FILE} in --config");
        }
        if (!Files.isRegularFile(config.trainFile)) {
            throw new UsageException("data file " + config.trainFile + " does not exist");
        }
        if (config.evalSts != null && !Files.isRegularFile(config.evalSts)) {
            throw new UsageException("evaluation file " + config.evalSts + " does not exist");
        }
        if (config.loss == null && !config.task.equals(TrainConfig.RERANK)) {
            throw new UsageException("'train' needs a loss: --loss NAME (see 'retrievals info')");
        }
        TrainingArguments trainingArguments = TrainingArguments.fromMap(config.outputDir, config.trainingArguments);
        if (config.task.equals(TrainConfig.RERANK)) {
            Dataset rows = dataset(config);
            WritableFolder.require(trainingArguments.outputDir(), "output_dir");
            return new RerankTraining(config, trainingArguments, rows, out, verbose).run();
        }
        if (config.initHead) {
            throw new UsageException("--init-head applies to --task rerank");
        }
        PluginProvider<Loss> lossProvider = PluginRegistry.global().provider(PluginKinds.LOSS, config.loss);
        Dataset dataset = dataset(config);
        List<String> columns = dataset.columnNames();
        if (columns.isEmpty()) {
            throw new UsageException("data file " + config.trainFile + " has no rows");
        }
        Path runFolder = trainingArguments.outputDir();
        WritableFolder.require(runFolder, "output_dir");

        try (GracefulShutdown shutdown = GracefulShutdown.install(SHUTDOWN_WAIT);
                AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(config.model, config.pooling,
                        ModelOptions.defaults().withDevice(config.device))) {
            LabelMap labels = columns.contains("label") ? LabelMap.fromDataset(dataset, "label") : null;
            Loss lossFunction = createLoss(lossProvider, config, labels, encoder.dimension(), columns);
            String collatorName = config.collator != null ? config.collator : CollatorChoice.choose(config.loss, lossFunction, columns);
            Collator batchCollator = createCollator(collatorName, config, encoder, labels);
            Evaluator evaluator = config.evalSts == null ? null
                    : PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", config.evalSts.toString()));
            if (verbose) {
                out.printf("model %s (%s pooling), loss %s, collator %s, %s%n", config.model, encoder.poolingName(), config.loss,
                        collatorName, runFolder);
            }
            RunRecord.writeConfiguration(runFolder, config.describe(encoder.poolingName(), collatorName, trainingArguments));
            TrainingReport.prepare();
            EvaluationResult before = evaluator == null ? null : evaluator.evaluate(encoder);
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(encoder).args(trainingArguments)
                    .trainDataset(dataset).collator(batchCollator).loss(lossFunction).listener(shutdown);
            if (evaluator != null) {
                builder.evaluator(evaluator); // used when eval_strategy is steps or epoch
            }
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
            } finally {
                if (lossFunction instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
            Path saved = runFolder.resolve(RunFolder.MODEL);
            if (shutdown.requested()) {
                out.println("saved the model to " + saved);
                out.println(report(runFolder));
                out.println("interrupted: run the same command with --resume to go on from the checkpoint in " + runFolder);
                return INTERRUPTED;
            }
            if (evaluator != null) {
                EvaluationResult after = evaluator.evaluate(encoder);
                RunRecord.writeEvaluation(runFolder, before.metrics(), after.metrics());
                printComparison(out, before, after);
            }
            out.println(report(runFolder) + "; model: " + saved);
            if (config.exportOnnx) {
                out.println(Exports.export(encoder, runFolder.resolve(RunFolder.ONNX), false));
            }
        }
        return 0;
    }

    /** Writes the run's report; a failure to draw it is reported on the line, it does not fail the training. */
    static String report(Path runFolder) {
        try {
            return "report: " + TrainingReport.write(runFolder).html();
        } catch (RuntimeException e) {
            return "report: not written (" + e.getMessage() + "); try: retrievals report " + runFolder;
        }
    }

    /** The main job's configuration: the demo data written to runs/demo/data. */
    private static TrainConfig demo(PrintWriter out, boolean verbose) throws Exception {
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
        config.trainingArguments.put("logging_steps", "1"); // a point per step in the report
        if (verbose) {
            out.println("demo: fine-tuning bge-small-zh-v1.5 with CoSENT on " + config.trainFile + ", evaluating on " + config.evalSts);
        }
        return config;
    }

    private void override(TrainConfig config) {
        if (task != null) {
            config.task = TrainConfig.checkedTask(task, "option --task");
        }
        if (initHead) {
            config.initHead = true;
        }
        if (scoreScale != null) {
            config.collatorOptions.put("score_scale", scoreScale);
        }
        if (model != null) {
            config.model = model;
        }
        if (pooling != null) {
            config.pooling = pooling;
        }
        if (device != null) {
            config.device = device;
        }
        if (data != null) {
            config.trainFile = data;
        }
        if (loss != null) {
            config.loss = loss;
            config.lossOptions.clear();
        }
        config.lossOptions.putAll(keyValues("loss-option", lossOptions));
        if (collator != null) {
            config.collator = collator;
        }
        if (evalSts != null) {
            config.evalSts = evalSts;
        }
        if (outputDir != null) {
            config.outputDir = outputDir;
        }
        putIfGiven(config, epochs, "num_train_epochs");
        putIfGiven(config, maxSteps, "max_steps");
        putIfGiven(config, batchSize, "per_device_train_batch_size");
        putIfGiven(config, learningRate, "learning_rate");
        putIfGiven(config, warmupRatio, "warmup_ratio");
        putIfGiven(config, seed, "seed");
        if (resume) {
            config.trainingArguments.put("resume_from_checkpoint", "latest");
        }
        if (noExport) {
            config.exportOnnx = false;
        }
    }

    private static void putIfGiven(TrainConfig config, String value, String option) {
        if (value != null) {
            config.trainingArguments.put(option, value);
        }
    }

    /** {@code key=value} pairs of a repeatable flag as a map. */
    private Map<String, String> keyValues(String flag, List<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("option --" + flag + " of '" + name() + "' is '" + pair + "'; expected key=value");
            }
            map.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return map;
    }

    static Dataset dataset(TrainConfig config) {
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

    static void printComparison(PrintWriter out, EvaluationResult before, EvaluationResult after) {
        out.println();
        out.printf("%-12s %10s %10s%n", "metric", "before", "after");
        for (Map.Entry<String, Double> metric : after.metrics().entrySet()) {
            out.printf(Locale.ROOT, "%-12s %10.4f %10.4f%n", metric.getKey(), before.metrics().get(metric.getKey()), metric.getValue());
        }
    }
}
