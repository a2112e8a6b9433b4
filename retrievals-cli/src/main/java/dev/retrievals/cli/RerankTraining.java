package dev.retrievals.cli;

import dev.retrievals.cli.report.RunRecord;
import dev.retrievals.cli.report.TrainingReport;
import dev.retrievals.collators.CollatorOptions;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.GracefulShutdown;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainingArguments;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code retrievals train --task rerank}: trains a reranker (cross-encoder) with the same trainer,
 * checkpoints and report as an embedding model. A model without a classification head gets a new
 * one (said in the log); {@code --init-head} replaces an existing one. The collator follows from
 * the data: scored pairs ({@code sentence1}, {@code sentence2}, {@code score}) go to
 * {@code rerank_pair} and {@code bce}; mined groups ({@code query}, {@code pos}, {@code neg}) to
 * {@code rerank_group} and {@code listwise_ce} (with their scores for {@code margin_mse} and
 * {@code distill_kl_div}).
 */
final class RerankTraining {
    /** The losses that train a reranker. */
    static final List<String> LOSSES = List.of("bce", "listwise_ce", "margin_mse", "distill_kl_div");
    private static final Set<String> DISTILLATION = Set.of("margin_mse", "distill_kl_div");

    private final TrainConfig config;
    private final TrainingArguments arguments;
    private final Dataset dataset;
    private final PrintWriter out;
    private final boolean verbose;

    RerankTraining(TrainConfig config, TrainingArguments arguments, Dataset dataset, PrintWriter out, boolean verbose) {
        this.config = config;
        this.arguments = arguments;
        this.dataset = dataset;
        this.out = out;
        this.verbose = verbose;
    }

    int run() throws Exception {
        List<String> columns = dataset.columnNames();
        boolean groups = columns.contains("pos") && columns.contains("neg");
        boolean pairs = columns.containsAll(List.of("sentence1", "sentence2", "score"));
        if (!groups && !pairs && config.collator == null) {
            throw new UsageException("--task rerank trains on scored pairs (columns sentence1, sentence2, score) or mined groups (query,"
                    + " pos, neg); the data has columns " + columns);
        }
        if (!config.evalRetrieval.isEmpty()) {
            throw new UsageException("--eval-retrieval (eval.retrieval) scores an embedding model; a reranker is evaluated during"
                    + " training on --eval-sts pairs, and after it with 'retrievals evaluate --reranking DIR --first-stage ID|PATH'");
        }
        if (!config.evalMore.isEmpty()) {
            throw new UsageException("--eval-also and the configuration's other evaluations (eval.also, eval.<evaluator>) apply to"
                    + " embedding models; a reranker is evaluated during training on --eval-sts pairs");
        }
        if (config.mergeRatio != null) {
            throw new UsageException("--merge-ratio (merge_ratio) averages an embedding model with its base; it does not apply to"
                    + " --task rerank");
        }
        String lossName = config.loss != null ? config.loss : groups ? "listwise_ce" : "bce";
        if (!LOSSES.contains(lossName)) {
            throw new UsageException("loss '" + lossName + "' does not train a reranker; --task rerank takes " + String.join(", ", LOSSES));
        }
        config.loss = lossName;
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, lossName, config.lossOptions);
        String collatorName = config.collator != null ? config.collator : groups ? "rerank_group" : "rerank_pair";
        Path runFolder = arguments.outputDir();
        try (GracefulShutdown shutdown = GracefulShutdown.install(TrainCommand.SHUTDOWN_WAIT);
                AutoModelForRanking model = AutoModelForRanking.builder(config.model)
                        .modelOptions(ModelOptions.defaults().withDevice(config.device))
                        .startHeadIfMissing(true).initHead(config.initHead).seed(arguments.seed()).build()) {
            Map<String, Object> options = new LinkedHashMap<>(config.collatorOptions);
            options.put(CollatorOptions.TOKENIZER.name(), model.tokenizer());
            if (collatorName.equals("rerank_group") && DISTILLATION.contains(lossName)) {
                options.putIfAbsent("with_scores", true);
            }
            Collator collator = PluginRegistry.global().create(PluginKinds.COLLATOR, collatorName, options);
            Evaluator evaluator = config.evalSts == null ? null
                    : PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", config.evalSts.toString()));
            if (verbose) {
                out.printf("reranker %s, loss %s, collator %s, %s%n", config.model, lossName, collatorName, runFolder);
            }
            RunRecord.writeConfiguration(runFolder, config.describe("-", collatorName, arguments));
            TrainingReport.prepare();
            EvaluationResult before = evaluator == null ? null : evaluator.evaluate(model);
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(model).args(arguments).trainDataset(dataset)
                    .collator(collator).loss(loss).listener(shutdown);
            if (evaluator != null) {
                builder.evaluator(evaluator);
            }
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
            }
            Path saved = runFolder.resolve(RunFolder.MODEL);
            if (shutdown.requested()) {
                out.println("saved the model to " + saved);
                out.println(TrainCommand.report(runFolder));
                out.println("interrupted: run the same command with --resume to go on from the checkpoint in " + runFolder);
                return TrainCommand.INTERRUPTED;
            }
            if (evaluator != null) {
                EvaluationResult after = evaluator.evaluate(model);
                RunRecord.writeEvaluation(runFolder, before.metrics(), after.metrics());
                TrainCommand.printComparison(out, before.metrics(), after.metrics());
            }
            out.println(TrainCommand.report(runFolder) + "; model: " + saved);
            if (config.exportOnnx) {
                out.println(OnnxRankerExporter.export(model, runFolder.resolve(RunFolder.ONNX), ExportOptions.defaults(), false));
            }
        }
        return 0;
    }
}
