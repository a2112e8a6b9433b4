package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals evaluate --model ID|PATH (--sts FILE | --retrieval DIR | --classification FILE |
 * --reranking DIR --first-stage ID|PATH [--top-k N]) [--output FILE.json]}: prints the metrics and
 * writes them as JSON. A reranker is told from an embedding model by its saved config ({@link ModelKind}).
 */
@Command(name = "evaluate", description = {"Score a model on STS pairs, a BEIR retrieval folder or a classification file;"
        + " prints the metrics and writes them as JSON.",
    "A reranker (a model saved as ...ForSequenceClassification) is scored on --sts pairs, or with --reranking on the top-k of a"
        + " --first-stage embedding model."})
final class EvaluateCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Option(names = "--sts", paramLabel = "FILE", description = "Scored pairs (sentence1, sentence2, score): Spearman and Pearson.")
    String sts;

    @Option(names = "--retrieval", paramLabel = "DIR", description = "A BEIR folder (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv):"
            + " nDCG, MRR, Recall, MAP, Accuracy @k.")
    String retrieval;

    @Option(names = "--split", paramLabel = "S", description = "The qrels split of --retrieval: qrels/S.tsv (default: test).")
    String split;

    @Option(names = "--classification", paramLabel = "FILE", description = "Labelled texts (text, label) to fit on; test.jsonl beside"
            + " it is scored (k-nearest neighbours).")
    String classification;

    @Option(names = "--classification-test", paramLabel = "FILE", description = "The test split of --classification, if not"
            + " test.jsonl beside it.")
    String classificationTest;

    @Option(names = "--reranking", paramLabel = "DIR", description = "A BEIR folder: the --model reranker reranks the top-k of"
            + " --first-stage (nDCG@10, MRR@10, MAP@k of both).")
    String reranking;

    @Option(names = "--first-stage", paramLabel = "ID|PATH", description = "The embedding model that retrieves the candidates for"
            + " --reranking.")
    String firstStage;

    @Option(names = "--top-k", paramLabel = "N", description = "Candidates per query reranked by --reranking (default: 100).")
    Integer topK;

    @Option(names = "--output", paramLabel = "FILE.json", description = "Also write the metrics to this JSON file.")
    Path output;

    @Override
    protected int run() throws Exception {
        EvaluationResult result;
        if (reranking != null) {
            result = rerankingResult();
        } else if (ModelKind.isReranker(selection.model)) {
            if (sts == null || retrieval != null || classification != null) {
                throw new UsageException("model " + selection.model + " is a reranker: evaluate it with --sts FILE, or with --reranking DIR"
                        + " --first-stage ID|PATH");
            }
            Evaluator evaluator = evaluator();
            try (AutoModelForRanking reranker = AutoModelForRanking.builder(selection.model).modelOptions(selection.options()).build()) {
                result = evaluator.evaluate(reranker);
            }
        } else {
            Evaluator evaluator = evaluator();
            try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(selection.model, selection.pooling,
                    selection.options())) {
                result = evaluator.evaluate(encoder);
            }
        }
        PrintWriter out = out();
        Map<String, Double> metrics = new TreeMap<>(result.metrics());
        metrics.forEach((name, value) -> out.printf(Locale.ROOT, "%-16s %.4f%n", name, value));
        out.printf("primary metric: %s%n", result.primaryMetric());
        if (output != null) {
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            Files.writeString(output, new GsonBuilder().setPrettyPrinting().create().toJson(metrics) + "\n", StandardCharsets.UTF_8);
        }
        return 0;
    }

    private EvaluationResult rerankingResult() {
        if (sts != null || retrieval != null || classification != null) {
            throw new UsageException("'evaluate' takes --reranking DIR alone, not with --sts, --retrieval or --classification");
        }
        try (AutoModelForRanking reranker = AutoModelForRanking.builder(selection.model).modelOptions(selection.options()).build();
                AutoModelForEmbedding first = Rerankers.firstStage(firstStage, selection.options())) {
            return Rerankers.evaluator(existing(reranking), first, split, topK).evaluate(reranker);
        }
    }

    private Evaluator evaluator() {
        int chosen = (sts != null ? 1 : 0) + (retrieval != null ? 1 : 0) + (classification != null ? 1 : 0);
        if (chosen != 1) {
            throw new UsageException("'evaluate' needs exactly one of --sts FILE, --retrieval DIR, --classification FILE");
        }
        if (sts != null) {
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", existing(sts)));
        }
        if (retrieval != null) {
            Map<String, Object> options = new java.util.LinkedHashMap<>(Map.of("path", existing(retrieval)));
            if (split != null) {
                options.put("split", split);
            }
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", options);
        }
        String train = existing(classification);
        String test = classificationTest != null ? existing(classificationTest) : siblingTest(train);
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

    static String existing(String path) {
        if (!Files.exists(Path.of(path))) {
            throw new UsageException("evaluation data " + path + " does not exist");
        }
        return path;
    }
}
