package dev.retrievals.cli;

import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.index.beir.BeirQrels;
import dev.retrievals.index.mining.HardNegativeMiner;
import dev.retrievals.index.mining.NegativeSelectionOptions;
import dev.retrievals.index.mining.MiningInput;
import dev.retrievals.index.mining.MiningSummary;
import dev.retrievals.index.mining.OutputFormat;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals mine}: hard negatives for (query, positive) data with {@link HardNegativeMiner}
 * (sentence-transformers' {@code mine_hard_negatives} semantics where the names are shared), written
 * as triplets, n-tuples or FlagEmbedding rows that {@code retrievals train} reads as they are; the
 * summary (queries, negatives per query, score statistics, drops per filter, seconds per phase)
 * is printed at the end. A {@code --teacher} is an embedding model or a reranker (told apart by its
 * saved config, {@link ModelKind}), whose pair scores are then distilled into the bi-encoder.
 */
@Command(name = "mine", sortOptions = false, description = {"Mine hard negatives for a pairs file or a BEIR folder"
        + " (sentence-transformers' mine_hard_negatives options), with false-negative filters and optional teacher scores;"
        + " prints a summary.", "Writes triplet rows (query, positive, negative), ntuple rows (negative_1..n) or FlagEmbedding"
        + " rows {\"query\", \"pos\", \"neg\", \"pos_scores\", \"neg_scores\"}, which 'retrievals train' reads as they are."})
final class MineCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Mixin
    EngineSelection engine;

    @Option(names = "--data", required = true, paramLabel = "PAIRS_FILE|BEIR_DIR", description = "(query, positive) rows (JSONL,"
            + " JSON, CSV or TSV; rows with the same query are one query with several positives), or a BEIR folder (queries,"
            + " corpus and qrels/SPLIT.tsv; every document graded above 0 is a positive).")
    Path data;

    @Option(names = "--split", paramLabel = "S", defaultValue = "train", description = "The qrels split of a BEIR folder (default:"
            + " ${DEFAULT-VALUE}); queries it does not judge are skipped and counted.")
    String split;

    @Option(names = "--corpus", paramLabel = "FILE", description = "With a pairs file: a JSONL corpus (text, optional id and title)"
            + " searched besides the positives (default: the positives alone).")
    Path corpus;

    @Option(names = "--query-column", paramLabel = "NAME", defaultValue = "query", description = "Column of the queries in a pairs"
            + " file (default: ${DEFAULT-VALUE}).")
    String queryColumn;

    @Option(names = "--positive-column", paramLabel = "NAME", defaultValue = "positive", description = "Column of the positives in"
            + " a pairs file (default: ${DEFAULT-VALUE}).")
    String positiveColumn;

    @Option(names = "--retriever", paramLabel = "NAME", defaultValue = "exact", description = "How candidates are found: exact,"
            + " hnsw, bm25, hybrid or another retriever plugin (default: ${DEFAULT-VALUE}; see 'retrievals info').")
    String retriever;

    @Option(names = "--retriever-option", paramLabel = "KEY=VALUE", description = "An option of the retriever (repeatable), e.g."
            + " --retriever-option ef_search=200.")
    List<String> retrieverOptions = new ArrayList<>();

    @Option(names = "--analyzer", paramLabel = "NAME", description = "Text analysis of bm25 and hybrid: standard, english or"
            + " smartcn (Chinese).")
    String analyzer;

    @Mixin
    NegativeSelectionOptions negatives;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per forward pass (default:"
            + " ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--teacher", paramLabel = "ID|PATH", description = "A model whose scores of (query, positive) and (query,"
            + " candidate) decide the score filters, margins and sampling and are written out: an embedding model (cosine, run on the"
            + " same --backend) or a reranker, a saved cross-encoder folder (its pair scores, usually logits, on PyTorch).")
    String teacher;

    @Option(names = "--format", paramLabel = "triplet|ntuple|flag", defaultValue = "triplet", description = "Rows to write"
            + " (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--scores", description = "Also write scores in triplet and ntuple rows (always with --teacher; flag rows always"
            + " carry them).")
    boolean scores;

    @Option(names = "--store", paramLabel = "DIR", description = "Keep the corpus encoding in DIR and reuse it while corpus, model"
            + " and settings match (default: a temporary folder).")
    Path store;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The JSONL file to write (refused if it exists;"
            + " written completely or not at all).")
    Path output;

    @Override
    protected int run() throws Exception {
        if (Files.exists(output)) {
            throw new UsageException("output " + output + " exists; choose a new path (mine never overwrites a file)");
        }
        ModelEncoders.checkBackend(engine.backend, name());
        OutputFormat outputFormat = usage(() -> OutputFormat.named(format));
        MiningInput input = input();
        Retriever search = PluginRegistry.global().create(PluginKinds.RETRIEVER, retriever, retrieverOptions());
        usage(() -> configure(HardNegativeMiner.builder(UNUSED_ENCODER, "")).build()); // every option checked before models load
        if (ModelKind.isReranker(selection.model)) {
            throw new UsageException("--model " + selection.model + " is a reranker; 'mine' searches with an embedding model (a"
                    + " reranker can score the candidates as --teacher)");
        }
        boolean rerankerTeacher = teacher != null && ModelKind.isReranker(teacher);
        PrintWriter out = out();
        try (ModelEncoders.Opened model = engine.open(selection, name(), true, batchSize);
                ModelEncoders.Opened teacherModel = teacher == null || rerankerTeacher ? null
                        : ModelEncoders.open(teacher, null, engine.backend, null, true, batchSize, selection.device);
                AutoModelForRanking teacherReranker = rerankerTeacher
                        ? AutoModelForRanking.builder(teacher).modelOptions(selection.options()).build() : null) {
            // the model's prompts (saved, or --query-prompt / --document-prompt) and include_prompt apply through its
            // encodeQueries / encodeDocuments
            HardNegativeMiner.Builder builder = configure(HardNegativeMiner.builder(model.encoder(), model.fingerprint())).retriever(search);
            if (teacherModel != null) {
                builder.teacher(teacherModel.encoder());
            }
            if (teacherReranker != null) {
                builder.teacher(teacherReranker);
            }
            MiningSummary summary = usage(() -> builder.build().mine(input, output));
            out.printf("wrote %d %s rows to %s%n", summary.rows(), outputFormat.optionValue(), output);
            out.println(summary);
        }
        return 0;
    }

    /** The input, checked before any model is loaded: the file or folder exists, a BEIR folder has the split. */
    private MiningInput input() {
        if (Files.isDirectory(data)) {
            if (corpus != null) {
                throw new UsageException("--corpus goes with a pairs file; the BEIR folder " + data + " brings its own corpus.jsonl");
            }
            usage(() -> BeirQrels.qrelsFile(data, split));
            return MiningInput.beir(data, split);
        }
        if (!Files.isRegularFile(data)) {
            throw new UsageException("data " + data + " does not exist; expected a pairs file or a BEIR folder");
        }
        MiningInput input = MiningInput.pairs(data).columns(queryColumn, positiveColumn);
        if (corpus != null) {
            if (!Files.isRegularFile(corpus)) {
                throw new UsageException("corpus file " + corpus + " does not exist");
            }
            input.corpus(corpus);
        }
        return input;
    }

    private Map<String, Object> retrieverOptions() {
        Map<String, Object> options = new LinkedHashMap<>(KeyValues.parse("retriever-option", name(), retrieverOptions));
        if (analyzer != null) {
            options.put("analyzer", analyzer);
        }
        return options;
    }

    /** Applies every mining option to {@code builder}. */
    private HardNegativeMiner.Builder configure(HardNegativeMiner.Builder builder) {
        builder.rules(negatives.rules()).batchSize(batchSize)
                .format(OutputFormat.named(format))
                .showProgressBar(true);
        if (scores) {
            builder.includeScores(true);
        }
        if (store != null) {
            builder.storeFolder(store);
        }
        return builder;
    }

    /** Stands in for the model while the options are checked; never asked to encode. */
    private static final TextEncoder UNUSED_ENCODER = new TextEncoder() {
        @Override
        public float[][] encode(List<String> texts) {
            throw new IllegalStateException("not a model");
        }

        @Override
        public int dimension() {
            return 1;
        }

        @Override
        public void close() {}
    };

    /** Runs {@code step}, turning an {@link IllegalArgumentException} (a bad value of the caller's) into a one-line usage error. */
    private static <T> T usage(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
