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
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelMerging;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.GracefulShutdown;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainingArguments;
import dev.retrievals.trainer.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    /** The retrieval metrics the before/after table shows. */
    /** Where a run with --merge-ratio keeps the trained model before merging. */
    static final String TUNED_MODEL = "model-tuned";
    private static final Set<String> SHOWN_RETRIEVAL_METRICS = Set.of("ndcg@10", "mrr@10", "recall@10", "recall@100", "map@100");

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

    @Option(names = "--no-include-prompt", description = ModelSelection.NO_INCLUDE_PROMPT + " The trained model is saved with it.")
    boolean noIncludePrompt;

    @Option(names = "--data", paramLabel = "FILE", description = "Training data (JSONL, JSON, CSV or TSV).")
    Path data;

    @Option(names = "--loss", paramLabel = "NAME", description = "The loss (infonce, cosent, triplet, arcface, ...; see 'retrievals info').")
    String loss;

    @Option(names = "--loss-option", paramLabel = "KEY=VALUE", description = "A loss option (repeatable), e.g. --loss-option"
            + " temperature=0.05.")
    List<String> lossOptions = new ArrayList<>();

    @Option(names = "--collator", paramLabel = "NAME", description = "The collator; by default it follows from the loss and the"
            + " data's columns.")
    String collator;

    @Option(names = "--collator-option", paramLabel = "KEY=VALUE", description = "A collator option (repeatable), e.g."
            + " --collator-option document_max_length=256.")
    List<String> collatorOptions = new ArrayList<>();

    @Option(names = "--score-scale", paramLabel = "X", description = "With --task rerank and scored pairs: divide the scores by X"
            + " so they lie in [0, 1] (5 for STS scores 0-5).")
    String scoreScale;

    @Option(names = "--eval-sts", paramLabel = "FILE", description = "Scored pairs to evaluate on before and after training.")
    Path evalSts;

    @Option(names = "--eval-also", paramLabel = "NAME=FILE", description = "Scored pairs of other data (repeatable) to evaluate on"
            + " before and after training and at every evaluation during it; its metrics carry the name (NAME/spearman), showing what"
            + " training costs elsewhere. Other evaluators: the configuration's eval.also.")
    List<String> evalAlso = new ArrayList<>();

    @Option(names = "--eval-retrieval", paramLabel = "DIR", description = "A BEIR folder to evaluate retrieval on before and after"
            + " training (nDCG, MRR, Recall, MAP @k).")
    Path evalRetrieval;

    @Option(names = "--eval-split", paramLabel = "S", description = "The qrels split of --eval-retrieval (default: test).")
    String evalSplit;

    @Option(names = "--retriever", paramLabel = "NAME", description = "How --eval-retrieval searches: exact (default) or hnsw for"
            + " corpora too large for exact search (it then also reports its recall@10 against exact search).")
    String retriever;

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

    @Option(names = "--training-argument", paramLabel = "KEY=VALUE", description = "Any training argument (repeatable), over the"
            + " configuration's, e.g. --training-argument layerwise_lr_decay=0.8 (names as in training_arguments; see"
            + " 'retrievals info').")
    List<String> trainingArgumentOptions = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "seed of shuffling, dropout and initialisation.")
    String seed;

    @Option(names = "--merge-ratio", paramLabel = "R", description = "At the end, average the trained weights with the base model's"
            + " (LM-Cocktail): R * trained + (1 - R) * base, R from 0 to 1. The merged model is saved, evaluated and exported; the"
            + " trained one is kept in OUTPUT_DIR/model-tuned.")
    String mergeRatio;

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
        if (config.datasets != null) {
            refuseSingleSetOptions(config);
        } else if (config.trainFile == null) {
            throw new UsageException("'train' needs training data: --data FILE or \"data\": {\"train\": FILE} in --config");
        }
        if (config.trainFile != null && !Files.isRegularFile(config.trainFile)) {
            throw new UsageException("data file " + config.trainFile + " does not exist");
        }
        if (config.evalSts != null && !Files.isRegularFile(config.evalSts)) {
            throw new UsageException("evaluation file " + config.evalSts + " does not exist");
        }
        if (!config.evalRetrieval.isEmpty() && !Files.isDirectory(Path.of(String.valueOf(config.evalRetrieval.get("path"))))) {
            throw new UsageException("evaluation folder " + config.evalRetrieval.get("path") + " does not exist");
        }
        config.evalMore.forEach(EvaluatorSpec::requireFiles);
        if (config.loss == null && config.datasets == null && !config.task.equals(TrainConfig.RERANK)) {
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
        Map<String, TrainConfig> setConfigs = config.datasets != null ? config.datasets.sets : Map.of("train", config);
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        for (Map.Entry<String, TrainConfig> set : setConfigs.entrySet()) {
            datasets.put(set.getKey(), inSet(config, set.getKey(), () -> checkedDataset(set.getValue())));
        }
        Path runFolder = trainingArguments.outputDir();
        WritableFolder.require(runFolder, "output_dir");

        try (GracefulShutdown shutdown = GracefulShutdown.install(SHUTDOWN_WAIT);
                AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(config.model, config.pooling,
                        TrainingPrompts.modelOptions(ModelOptions.defaults().withDevice(config.device)
                                .withIncludePrompt(config.includePrompt), config.collatorOptions))) {
            List<TrainingSet> trainingSets = new ArrayList<>();
            List<Evaluator> evaluators;
            Map<String, Double> before;
            try {
                for (Map.Entry<String, TrainConfig> set : setConfigs.entrySet()) {
                    trainingSets.add(inSet(config, set.getKey(), () -> trainingSet(set.getKey(), set.getValue(),
                            datasets.get(set.getKey()), encoder)));
                    if (verbose) {
                        out.printf("model %s (%s pooling), %sloss %s, collator %s, %s%n", config.model, encoder.poolingName(),
                                config.datasets != null ? "set " + set.getKey() + ", " : "", set.getValue().loss,
                                set.getValue().collator, runFolder);
                    }
                }
                evaluators = evaluators(config);
                RunRecord.writeConfiguration(runFolder, config.describe(encoder.poolingName(), config.collator, trainingArguments));
                TrainingReport.prepare();
                before = evaluate(evaluators, encoder);
                RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(encoder).args(trainingArguments).listener(shutdown);
                trainingSets.forEach(builder::trainingSet); // one set trains exactly as trainDataset, collator and loss
                evaluators.forEach(builder::evaluator); // used when eval_strategy is steps or epoch
                try (RetrievalTrainer trainer = builder.build()) {
                    trainer.train();
                }
            } finally {
                for (TrainingSet set : trainingSets) {
                    if (set.loss() instanceof AutoCloseable closeable) {
                        closeable.close();
                    }
                }
            }
            Path saved = runFolder.resolve(RunFolder.MODEL);
            if (shutdown.requested()) {
                out.println("saved the model to " + saved);
                out.println(report(runFolder));
                out.println("interrupted: run the same command with --resume to go on from the checkpoint in " + runFolder);
                return INTERRUPTED;
            }
            Map<String, Map<String, Double>> evaluation = new LinkedHashMap<>();
            evaluation.put(RunRecord.BEFORE, before);
            if (!evaluators.isEmpty()) {
                evaluation.put(RunRecord.AFTER, evaluate(evaluators, encoder));
            }
            if (config.mergeRatio != null) {
                out.println(mergeWithBase(encoder, config, runFolder));
                if (!evaluators.isEmpty()) {
                    evaluation.put(RunRecord.MERGED, evaluate(evaluators, encoder));
                }
            }
            if (!evaluators.isEmpty()) {
                RunRecord.writeEvaluation(runFolder, evaluation);
                printComparison(out, evaluation);
            }
            out.println(report(runFolder) + "; model: " + saved);
            if (config.exportOnnx) {
                out.println(Exports.export(encoder, runFolder.resolve(RunFolder.ONNX), ExportOptions.defaults()));
            }
        }
        return 0;
    }

    /**
     * LM-Cocktail at the end of training: keeps the trained weights in {@code model-tuned}, averages
     * them in place with the base model's ({@link ModelMerging}) and saves the merged model as the
     * run's {@code model}; returns the line that says so.
     */
    private static String mergeWithBase(AutoModelForEmbedding encoder, TrainConfig config, Path runFolder) {
        Path tuned = runFolder.resolve(TUNED_MODEL);
        encoder.save(tuned);
        try (AutoModelForEmbedding base = AutoModelForEmbedding.fromPretrained(config.model, config.pooling,
                ModelOptions.defaults().withDevice(config.device))) {
            ModelMerging.mergeInto(encoder, base, config.mergeRatio, "trained model", "base model " + config.model);
        }
        Path merged = runFolder.resolve(RunFolder.MODEL);
        encoder.save(merged);
        return String.format(Locale.ROOT, "merged %s x trained + %s x base (%s) -> %s; the trained model is kept in %s",
                config.mergeRatio, 1 - config.mergeRatio, config.model, merged, tuned);
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
        if (noIncludePrompt) {
            config.includePrompt = false;
        }
        if (data != null) {
            config.trainFile = data;
        }
        if (loss != null) {
            config.loss = loss;
            config.lossOptions.clear();
        }
        config.lossOptions.putAll(KeyValues.parse("loss-option", name(), lossOptions));
        config.collatorOptions.putAll(KeyValues.parse("collator-option", name(), collatorOptions));
        if (collator != null) {
            config.collator = collator;
        }
        if (evalSts != null) {
            config.evalSts = evalSts;
        }
        if (evalRetrieval != null) {
            config.evalRetrieval.put("path", evalRetrieval.toString());
        }
        if (evalSplit != null || retriever != null) {
            if (config.evalRetrieval.isEmpty()) {
                throw new UsageException("--eval-split and --retriever of 'train' go with --eval-retrieval DIR (or \"eval\":"
                        + " {\"retrieval\": DIR} in --config)");
            }
            if (evalSplit != null) {
                config.evalRetrieval.put("split", evalSplit);
            }
            if (retriever != null) {
                config.evalRetrieval.put("retriever", retriever);
            }
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
        config.trainingArguments.putAll(KeyValues.parse("training-argument", name(), trainingArgumentOptions));
        if (resume) {
            config.trainingArguments.put("resume_from_checkpoint", "latest");
        }
        if (noExport) {
            config.exportOnnx = false;
        }
        if (mergeRatio != null) {
            config.mergeRatio = TrainConfig.checkedMergeRatio(mergeRatio, "option --merge-ratio");
        }
        for (Map.Entry<String, String> named : KeyValues.parse("eval-also", name(), evalAlso).entrySet()) {
            config.evalMore.add(EvaluatorSpec.sts(named.getKey(), Path.of(named.getValue())));
        }
    }

    private static void putIfGiven(TrainConfig config, String value, String option) {
        if (value != null) {
            config.trainingArguments.put(option, value);
        }
    }

    /** The training rows of the configuration: its file, columns renamed, the first {@code take} rows. */
    static Dataset dataset(TrainConfig config) {
        Dataset data = Dataset.fromFile(config.trainFile);
        for (Map.Entry<String, String> rename : config.columns.entrySet()) {
            data = data.renameColumn(rename.getKey(), rename.getValue());
        }
        return config.take == null ? data : data.take(config.take);
    }

    /** With {@code datasets} in the configuration: refuses a reranker and the flags of a single training set. */
    private void refuseSingleSetOptions(TrainConfig config) {
        if (config.task.equals(TrainConfig.RERANK)) {
            throw new UsageException("'" + TrainingSetsConfig.KEY + "' (several training sets) trains embedding models; --task rerank"
                    + " trains on one set: give \"data\" instead");
        }
        if (data != null || loss != null || collator != null || !lossOptions.isEmpty() || !collatorOptions.isEmpty()
                || scoreScale != null) {
            throw new UsageException("--data, --loss, --collator and their options describe one training set; the configuration's '"
                    + TrainingSetsConfig.KEY + "' gives each set its own (change them there)");
        }
    }

    /** Runs a step of preparing a training set; with named sets, an error of the caller names the set. */
    private static <T> T inSet(TrainConfig config, String name, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (UsageException | dev.retrievals.core.RetrievalsException e) {
            if (config.datasets == null) {
                throw e;
            }
            throw new UsageException("training set '" + name + "': " + e.getMessage());
        }
    }

    /** A set's rows, checked to have some, and its loss looked up (an unknown loss fails before the model loads). */
    private static Dataset checkedDataset(TrainConfig set) {
        PluginRegistry.global().provider(PluginKinds.LOSS, set.loss);
        Dataset dataset = dataset(set);
        if (dataset.columnNames().isEmpty()) {
            throw new UsageException("data file " + set.trainFile + " has no rows");
        }
        return dataset;
    }

    /** A set's loss and collator (chosen from the loss and the columns unless named; {@code set.collator} is then set to it). */
    private static TrainingSet trainingSet(String name, TrainConfig set, Dataset dataset, AutoModelForEmbedding encoder) {
        List<String> columns = dataset.columnNames();
        LabelMap labels = columns.contains("label") ? LabelMap.fromDataset(dataset, "label") : null;
        Loss lossFunction = createLoss(PluginRegistry.global().provider(PluginKinds.LOSS, set.loss), set, labels, encoder.dimension(),
                columns);
        if (set.collator == null) {
            CollatorChoice choice = CollatorChoice.choose(set.loss, lossFunction, columns);
            set.collator = choice.name();
            choice.options().forEach(set.collatorOptions::putIfAbsent);
        }
        return new TrainingSet(name, dataset, createCollator(set.collator, set, encoder, labels), lossFunction);
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
        TrainingPrompts.addModelPrompts(options, name, model);
        if (name.equals("pointwise")) {
            if (labels == null) {
                throw new UsageException("the pointwise collator needs a 'label' column in the data");
            }
            options.put("label_map", labels);
        }
        return PluginRegistry.global().create(PluginKinds.COLLATOR, name, options);
    }

    /** The evaluators of the configuration: STS pairs, a BEIR folder, or both. */
    private static List<Evaluator> evaluators(TrainConfig config) {
        List<Evaluator> evaluators = new ArrayList<>();
        if (config.evalSts != null) {
            evaluators.add(PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", config.evalSts.toString())));
        }
        if (!config.evalRetrieval.isEmpty()) {
            evaluators.add(PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", config.evalRetrieval));
        }
        config.evalMore.forEach(spec -> evaluators.add(spec.create()));
        return evaluators;
    }

    /** Every evaluator's metrics, in one map (their names do not overlap). */
    private static Map<String, Double> evaluate(List<Evaluator> evaluators, AutoModelForEmbedding encoder) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Evaluator evaluator : evaluators) {
            EvaluationResult result = evaluator.evaluate(encoder);
            metrics.putAll(result.metrics());
        }
        return metrics;
    }

    /**
     * The before/after table of both tasks: every STS metric; of the many retrieval metrics, the usual
     * few (evaluation.json has them all).
     */
    static void printComparison(PrintWriter out, Map<String, Double> before, Map<String, Double> after) {
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        columns.put(RunRecord.BEFORE, before);
        columns.put(RunRecord.AFTER, after);
        printComparison(out, columns);
    }

    /** The table of several evaluations side by side (before, after and, with merging, merged); metrics as the last one names them. */
    static void printComparison(PrintWriter out, Map<String, Map<String, Double>> columns) {
        List<Map<String, Double>> values = new ArrayList<>(columns.values());
        Map<String, Double> last = values.get(values.size() - 1);
        int width = Math.max(16, last.keySet().stream().mapToInt(String::length).max().orElse(0));
        out.println();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "metric"));
        columns.keySet().forEach(column -> header.append(String.format(Locale.ROOT, " %10s", column)));
        out.println(header);
        for (String name : last.keySet()) {
            if (name.contains("@") && !SHOWN_RETRIEVAL_METRICS.contains(name) && !name.endsWith("_recall@10")) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", name));
            for (Map<String, Double> column : values) {
                Double value = column.get(name);
                line.append(value == null ? String.format(Locale.ROOT, " %10s", "-") : String.format(Locale.ROOT, " %10.4f", value));
            }
            out.println(line);
        }
    }
}
