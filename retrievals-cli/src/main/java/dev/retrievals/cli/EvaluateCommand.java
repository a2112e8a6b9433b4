package dev.retrievals.cli;

import com.google.gson.GsonBuilder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.index.store.CorpusStoreBuilder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals evaluate --model ID|PATH (--sts FILE | --retrieval DIR [--split S] [--store DIR] |
 * --classification FILE | --reranking DIR --first-stage ID|PATH [--top-k N]) [--backend pytorch|onnx]
 * [--output FILE.json]}: prints the metrics and writes them as JSON. With {@code --backend onnx} ONNX
 * Runtime runs an embedding model's export (a run folder resolves to its {@code onnx/}). A reranker is
 * told from an embedding model by its saved config ({@link ModelKind}) and runs on PyTorch.
 */
@Command(name = "evaluate", description = {"Score a model on STS pairs, a BEIR retrieval folder or a classification file;"
        + " prints the metrics and writes them as JSON.",
    "A reranker (a model saved as ...ForSequenceClassification) is scored on --sts pairs, or with --reranking on the top-k of a"
        + " --first-stage embedding model."})
final class EvaluateCommand extends CliCommand {
    /** Texts per ONNX Runtime call when evaluating an export. */
    private static final int EVALUATION_BATCH = 32;

    @Mixin
    ModelSelection selection;

    @Mixin
    EngineSelection engine;

    @Option(names = "--sts", paramLabel = "FILE", description = "Scored pairs (sentence1, sentence2, score): Spearman and Pearson.")
    String sts;

    @Option(names = "--retrieval", paramLabel = "DIR", description = "A BEIR folder (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv):"
            + " nDCG, MRR, Recall, MAP, Accuracy @k.")
    String retrieval;

    @Option(names = "--split", paramLabel = "S", description = "The qrels split of --retrieval: qrels/S.tsv (default: test).")
    String split;

    @Option(names = "--retriever", paramLabel = "NAME", description = "How --retrieval searches: exact (default) or hnsw for corpora"
            + " too large for exact search (it then also reports hnsw_recall@10 against exact search on a sample of queries).")
    String retriever;

    @Option(names = "--store", paramLabel = "DIR", description = "Keep the corpus encoding of --retrieval in DIR and reuse it"
            + " while corpus, model and settings match (other splits of the same folder included; a store that 'mine --store'"
            + " wrote for the same model too); default: a temporary folder.")
    Path store;

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
            result = rerankerResult();
        } else {
            result = embeddingResult();
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

    /** An embedding model on the chosen engine; {@code --store} keeps the corpus encoding of {@code --retrieval}. */
    private EvaluationResult embeddingResult() {
        Map<String, Object> retrievalOptions = new LinkedHashMap<>();
        Evaluator evaluator = evaluator(retrievalOptions);
        try (ModelEncoders.Opened model = engine.open(selection, name(), true, EVALUATION_BATCH)) {
            if (store != null) {
                // chunks as 'mine' and 'encode' write them, so their stores of the same model are reused
                retrievalOptions.putAll(Map.of("store", store.toString(), "model_fingerprint", model.fingerprint(),
                        "corpus_chunk_size", String.valueOf(CorpusStoreBuilder.CHUNK_SIZE.defaultValue())));
                evaluator = PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", retrievalOptions);
            }
            return evaluator.evaluate(model.encoder());
        }
    }

    /** A reranker on {@code --sts} pairs (the only evaluator of the three that reads pairs). */
    private EvaluationResult rerankerResult() {
        if (sts == null || retrieval != null || classification != null) {
            throw new UsageException("model " + selection.model + " is a reranker: evaluate it with --sts FILE, or with --reranking DIR"
                    + " --first-stage ID|PATH");
        }
        Evaluator evaluator = evaluator(new LinkedHashMap<>());
        try (PairScorer reranker = Rerankers.open(selection, engine, name())) {
            return evaluator.evaluate(reranker);
        }
    }

    private EvaluationResult rerankingResult() {
        if (sts != null || retrieval != null || classification != null) {
            throw new UsageException("'evaluate' takes --reranking DIR alone, not with --sts, --retrieval or --classification");
        }
        if (retriever != null || store != null) {
            throw new UsageException("--retriever and --store of 'evaluate' go with --retrieval DIR, not with --reranking DIR");
        }
        try (PairScorer reranker = Rerankers.open(selection, engine, name());
                ModelEncoders.Opened first = Rerankers.firstStage(firstStage, selection, engine, EVALUATION_BATCH)) {
            return Rerankers.evaluator(existing(reranking), first.encoder(), split, topK).evaluate(reranker);
        }
    }

    /** The evaluator chosen by the options; for {@code --retrieval}, its plugin options are also put in {@code retrievalOptions}. */
    private Evaluator evaluator(Map<String, Object> retrievalOptions) {
        int chosen = (sts != null ? 1 : 0) + (retrieval != null ? 1 : 0) + (classification != null ? 1 : 0);
        if (chosen != 1) {
            throw new UsageException("'evaluate' needs exactly one of --sts FILE, --retrieval DIR, --classification FILE");
        }
        if (retrieval == null && (split != null || retriever != null || store != null)) {
            throw new UsageException("--split, --retriever and --store of 'evaluate' go with --retrieval DIR");
        }
        if (sts != null) {
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", existing(sts)));
        }
        if (retrieval != null) {
            retrievalOptions.put("path", existing(retrieval));
            if (split != null) {
                retrievalOptions.put("split", split);
            }
            if (retriever != null) {
                retrievalOptions.put("retriever", retriever);
            }
            return PluginRegistry.global().create(PluginKinds.EVALUATOR, "retrieval", retrievalOptions);
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
