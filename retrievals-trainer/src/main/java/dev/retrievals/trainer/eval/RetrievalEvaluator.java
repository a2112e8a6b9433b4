package dev.retrievals.trainer.eval;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.SearchRecall;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.trainer.eval.metrics.RankingMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dense retrieval on a BEIR-style folder: every judged query of a split searches the corpus with a
 * retriever plugin ({@code exact} cosine similarity by default, blockwise over the corpus vectors,
 * which are encoded a chunk at a time into a memory-mapped corpus store so memory stays
 * bounded; {@code hnsw} for corpora too large for exact search, which also reports its recall@10
 * against exact search on a sample of queries), and each {@link RankingMetric} is computed at each cutoff
 * and averaged over the queries, as sentence-transformers' {@code InformationRetrievalEvaluator}
 * does (see {@link RankingMetric} for the definitions followed). Metrics are named like
 * {@code ndcg@10}, {@code mrr@10}, {@code recall@100}; the primary metric is {@code ndcg@10} by
 * default; higher is better.
 *
 * <p>Queries are encoded with {@link TextEncoder#encodeQueries} and documents with
 * {@link TextEncoder#encodeDocuments}, so the model's own prompts ({@link TextEncoder#prompts()}) apply;
 * the optional {@code query_prompt} / {@code document_prompt} (formerly {@code query_prefix} /
 * {@code document_prefix}) are put before the texts first, for encoders that have no prompts of their
 * own (give a model its prompts rather than both). Unlike BEIR's exact
 * search, a document whose id equals the query's id is not skipped (sentence-transformers'
 * choice).
 *
 * <p>Every query the split judges is evaluated, including one whose judgments are all 0 (it
 * scores 0, as in trec_eval); a judged document missing from the corpus still counts as relevant.
 *
 * <p>For quick runs, {@code max_queries} evaluates only the first judged queries and
 * {@code max_corpus_size} keeps every document judged for them plus the first others in file
 * order; scores on such a reduced corpus are higher than on the full one.
 */
public final class RetrievalEvaluator implements Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(RetrievalEvaluator.class);
    static final String OWNER = "evaluator 'retrieval'";

    static final OptionSpec<String> PATH = OptionSpec.ofString("path", null,
            "BEIR folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv").required();
    static final OptionSpec<String> SPLIT = OptionSpec.ofString("split", "test", "qrels file to evaluate: qrels/<split>.tsv");
    static final OptionSpec<String> K_VALUES = OptionSpec.ofString("k_values", "1,3,5,10,100",
            "comma-separated cutoffs k at which every metric is computed");
    /** Checks one cutoff of {@code k_values}. */
    private static final OptionSpec<Integer> K_VALUE = OptionSpec.ofInt("k_values", 10, "a cutoff").atLeast(1);
    static final OptionSpec<String> PRIMARY_METRIC = OptionSpec.ofString("primary_metric", "ndcg@10",
            "metric that selects models: mrr, ndcg, recall, precision, map or accuracy, at a cutoff in k_values");
    static final OptionSpec<Integer> CORPUS_CHUNK_SIZE = OptionSpec.ofInt("corpus_chunk_size", 50_000,
            "documents encoded and scored at a time (bounds memory)").atLeast(1);
    static final OptionSpec<Integer> MAX_QUERIES = CommonOptions.rowLimit("max_queries", "judged queries");
    static final OptionSpec<Integer> MAX_CORPUS_SIZE = OptionSpec.ofInt("max_corpus_size", 0,
            "keep the judged documents plus the first others up to this many documents (0: the whole corpus), for quick runs")
            .atLeast(0);
    static final OptionSpec<String> QUERY_PROMPT = OptionSpec.ofString("query_prompt", "",
            "text put before every query, in front of the model's own query prompt (for encoders without prompts)")
            .formerly("query_prefix");
    static final OptionSpec<String> DOCUMENT_PROMPT = OptionSpec.ofString("document_prompt", "",
            "text put before every document, in front of the model's own document prompt (for encoders without prompts)")
            .formerly("document_prefix");
    static final OptionSpec<String> RETRIEVER = OptionSpec.ofString("retriever", "exact",
            "retriever plugin that searches the corpus: exact, or hnsw for corpora too large for exact search (any registered name)");
    static final OptionSpec<Integer> RECALL_SAMPLE = OptionSpec.ofInt("recall_sample", 200,
            "with a retriever other than exact: queries also searched exactly to report <retriever>_recall@10 (0: none)").atLeast(0);
    static final OptionSpec<String> STORE = OptionSpec.ofString("store", "",
            "folder that keeps the corpus encoding and reuses it while corpus and model_fingerprint match (empty: a temporary folder)");
    static final OptionSpec<String> MODEL_FINGERPRINT = OptionSpec.ofString("model_fingerprint", "",
            "with store: what identifies the model and its settings (a kept encoding is reused only for the same one)");
    static final OptionSpec<Boolean> INCLUDE_TITLE =
            OptionSpec.ofBoolean("include_title", true, "prepend each document's title to its text, as BEIR does");

    private final String source;
    private final BeirFolder data;
    private final List<String> queryTexts;
    private final List<String> documentTexts;
    private final List<Integer> cutoffs;
    private final String primaryMetric;
    private final int batchSize;
    private final int corpusChunkSize;
    private final boolean showProgressBar;
    private final String retrieverName;
    private final Retriever retriever;
    private final int recallSample;
    private final Path storeFolder;
    private final String modelFingerprint;

    private RetrievalEvaluator(Builder builder) {
        this.cutoffs = builder.cutoffs;
        this.primaryMetric = builder.primaryMetric;
        List<String> names = metricNames(cutoffs);
        if (!names.contains(primaryMetric)) {
            throw new IllegalArgumentException("Option 'primary_metric' of " + OWNER + " is '" + primaryMetric
                    + "'; allowed: one of " + names);
        }
        this.source = builder.folder + " split " + builder.split;
        this.data = new BeirFolder(builder.folder, builder.split, builder.maxQueries, builder.maxCorpusSize, builder.includeTitle);
        this.queryTexts = prefixed(builder.queryPrefix, data.queryTexts);
        this.documentTexts = prefixed(builder.documentPrefix, data.documentTexts);
        this.batchSize = builder.batchSize;
        this.corpusChunkSize = builder.corpusChunkSize;
        this.showProgressBar = builder.showProgressBar;
        this.retrieverName = builder.retriever;
        this.retriever = PluginRegistry.global().create(PluginKinds.RETRIEVER, builder.retriever, builder.retrieverOptions);
        this.recallSample = builder.recallSample;
        this.storeFolder = builder.storeFolder;
        this.modelFingerprint = builder.modelFingerprint;
    }

    /** A builder for the BEIR folder {@code folder}, split {@code test}. */
    public static Builder builder(Path folder) {
        return new Builder(folder);
    }

    /** An evaluator from checked plugin options. */
    static RetrievalEvaluator fromOptions(Options options) {
        return builder(Path.of(options.get(PATH)))
                .split(options.get(SPLIT))
                .kValues(parseCutoffs(options.get(K_VALUES)))
                .primaryMetric(options.get(PRIMARY_METRIC))
                .batchSize(options.get(CommonOptions.BATCH_SIZE))
                .corpusChunkSize(options.get(CORPUS_CHUNK_SIZE))
                .maxQueries(options.get(MAX_QUERIES))
                .maxCorpusSize(options.get(MAX_CORPUS_SIZE))
                .prompts(options.get(QUERY_PROMPT), options.get(DOCUMENT_PROMPT))
                .includeTitle(options.get(INCLUDE_TITLE))
                .showProgressBar(options.get(CommonOptions.SHOW_PROGRESS_BAR))
                .retriever(options.get(RETRIEVER), Map.of())
                .recallSample(options.get(RECALL_SAMPLE))
                .store(options.get(STORE).isEmpty() ? null : Path.of(options.get(STORE)), options.get(MODEL_FINGERPRINT))
                .build();
    }

    /** The number of evaluated queries. */
    public int queryCount() {
        return queryTexts.size();
    }

    /** The number of documents searched. */
    public int corpusSize() {
        return documentTexts.size();
    }

    /**
     * Encodes the queries, encodes the corpus a chunk at a time into a corpus store (temporary, or
     * the kept one of option {@code store}, reused while corpus and model match),
     * searches it with the retriever, and averages the metrics over the queries. With a retriever
     * other than {@code exact}, a sample of queries is also searched exactly and the share of the
     * exact top 10 that the retriever found is reported as {@code <retriever>_recall@10}.
     */
    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        Function<List<String>, float[][]> encodeQueries = encoder::encodeQueries;
        Function<List<String>, float[][]> encodeDocuments = encoder::encodeDocuments;
        float[][] queries = BatchedEncoding.encode(encodeQueries, queryTexts, batchSize, "queries", showProgressBar);
        Path temporary = null;
        try {
            Path folder;
            if (storeFolder != null) {
                folder = storeFolder;
            } else {
                temporary = Files.createTempDirectory("retrievals-eval-");
                folder = temporary.resolve("corpus");
            }
            List<CorpusDocument> documents = new ArrayList<>(documentTexts.size());
            for (int d = 0; d < documentTexts.size(); d++) {
                documents.add(new CorpusDocument(data.documentIds.get(d), documentTexts.get(d)));
            }
            try (CorpusStore store = CorpusStore.builder(folder)
                    .encoder(new DocumentEncoder(encodeDocuments, encoder.dimension()), modelFingerprint).chunkSize(corpusChunkSize)
                    .batchSize(batchSize).showProgressBar(showProgressBar).build(CorpusSource.of(documents));
                    SearchIndex index = retriever.index(store)) {
                SearchQueries searchQueries = new SearchQueries(queryTexts, queries);
                List<List<SearchHit>> hits = index.search(searchQueries, Collections.max(cutoffs));
                Map<String, Double> metrics = metrics(hits);
                if (!retrieverName.equals("exact") && recallSample > 0) {
                    metrics.put(retrieverName + "_recall@10", recallAgainstExact(store, index, queries));
                }
                LOG.info("{} on {} ({} queries, {} documents, retriever {}): {} = {}", OWNER, source, queries.length, documentTexts.size(),
                        retrieverName, primaryMetric, metrics.get(primaryMetric));
                return new EvaluationResult(metrics, primaryMetric, true);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot create a temporary folder for the evaluation corpus: " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                AtomicFolder.deleteQuietly(temporary);
            }
        }
    }

    private Map<String, Double> metrics(List<List<SearchHit>> hits) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int q = 0; q < hits.size(); q++) {
            List<String> ranking = hits.get(q).stream().map(hit -> data.documentIds.get(hit.document())).toList();
            for (RankingMetric metric : RankingMetric.values()) {
                for (int k : cutoffs) {
                    sums.merge(metric.label(k), metric.at(ranking, data.judgments.get(q), k), Double::sum);
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        sums.forEach((name, sum) -> metrics.put(name, sum / hits.size()));
        return metrics;
    }

    /** The share of the exact top 10 that the retriever's top 10 holds, over the first {@code recall_sample} queries. */
    private double recallAgainstExact(CorpusStore store, SearchIndex index, float[][] queries) {
        int sample = Math.min(recallSample, queries.length);
        List<String> texts = queryTexts.subList(0, sample);
        float[][] vectors = java.util.Arrays.copyOf(queries, sample);
        SearchQueries sampled = new SearchQueries(texts, vectors);
        List<List<SearchHit>> approximate = index.search(sampled, 10);
        List<List<SearchHit>> exact;
        try (SearchIndex exactIndex = PluginRegistry.global().create(PluginKinds.RETRIEVER, "exact").index(store)) {
            exact = exactIndex.search(sampled, 10);
        }
        return SearchRecall.of(exact, approximate);
    }

    /** The document side of an encoder, as a plain text encoder for the corpus store. */
    private record DocumentEncoder(Function<List<String>, float[][]> encode, int dimension) implements TextEncoder {
        @Override
        public float[][] encode(List<String> texts) {
            return encode.apply(texts);
        }

        @Override
        public void close() {}
    }

    private static List<String> metricNames(List<Integer> cutoffs) {
        List<String> names = new ArrayList<>();
        for (RankingMetric metric : RankingMetric.values()) {
            for (int k : cutoffs) {
                names.add(metric.label(k));
            }
        }
        return names;
    }

    private static List<String> prefixed(String prefix, List<String> texts) {
        return prefix.isEmpty() ? List.copyOf(texts) : texts.stream().map(text -> prefix + text).toList();
    }

    /** The cutoffs of a {@code k_values} text such as {@code 1,3,10}: positive, distinct, sorted. */
    static List<Integer> parseCutoffs(String text) {
        List<Integer> cutoffs = new ArrayList<>();
        for (String part : K_VALUES.check(text, OWNER).split(",", -1)) {
            cutoffs.add(K_VALUE.check(part.trim(), OWNER));
        }
        return checkedCutoffs(cutoffs);
    }

    private static List<Integer> checkedCutoffs(List<Integer> cutoffs) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer k : cutoffs) {
            K_VALUE.check(k, OWNER);
            if (!sorted.add(k)) {
                throw new IllegalArgumentException("Option 'k_values' of " + OWNER + " lists " + k + " twice: " + cutoffs);
            }
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("Option 'k_values' of " + OWNER + " is empty; allowed: one or more integers >= 1");
        }
        return List.copyOf(sorted);
    }

    /** Settings of a {@link RetrievalEvaluator}; each value is checked as the plugin option of the same name. */
    public static final class Builder {
        private final Path folder;
        private String split = SPLIT.defaultValue();
        private List<Integer> cutoffs = parseCutoffs(K_VALUES.defaultValue());
        private String primaryMetric = PRIMARY_METRIC.defaultValue();
        private int batchSize = CommonOptions.BATCH_SIZE.defaultValue();
        private int corpusChunkSize = CORPUS_CHUNK_SIZE.defaultValue();
        private int maxQueries = MAX_QUERIES.defaultValue();
        private int maxCorpusSize = MAX_CORPUS_SIZE.defaultValue();
        private String queryPrefix = QUERY_PROMPT.defaultValue();
        private String documentPrefix = DOCUMENT_PROMPT.defaultValue();
        private boolean includeTitle = INCLUDE_TITLE.defaultValue();
        private boolean showProgressBar = CommonOptions.SHOW_PROGRESS_BAR.defaultValue();
        private String retriever = RETRIEVER.defaultValue();
        private Map<String, ?> retrieverOptions = Map.of();
        private int recallSample = RECALL_SAMPLE.defaultValue();
        private Path storeFolder;
        private String modelFingerprint = "evaluation";

        private Builder(Path folder) {
            this.folder = Path.of(PATH.check(folder == null ? null : folder.toString(), OWNER));
        }

        /** The qrels split (option {@code split}, default {@code test}). */
        public Builder split(String value) {
            this.split = SPLIT.check(value, OWNER);
            return this;
        }

        /** The cutoffs (option {@code k_values}, default 1, 3, 5, 10, 100). */
        public Builder kValues(List<Integer> values) {
            this.cutoffs = checkedCutoffs(values);
            return this;
        }

        /** The metric that selects models, for example {@code mrr@10} (option {@code primary_metric}, default {@code ndcg@10}). */
        public Builder primaryMetric(String value) {
            this.primaryMetric = PRIMARY_METRIC.check(value, OWNER);
            return this;
        }

        /** Texts handed to the encoder per call (option {@code batch_size}, default 64). */
        public Builder batchSize(int value) {
            this.batchSize = CommonOptions.BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Documents encoded and scored at a time (option {@code corpus_chunk_size}, default 50000). */
        public Builder corpusChunkSize(int value) {
            this.corpusChunkSize = CORPUS_CHUNK_SIZE.check(value, OWNER);
            return this;
        }

        /** Evaluate only the first judged queries (option {@code max_queries}; 0, the default, for all). */
        public Builder maxQueries(int value) {
            this.maxQueries = MAX_QUERIES.check(value, OWNER);
            return this;
        }

        /** Cap the corpus, keeping every judged document (option {@code max_corpus_size}; 0, the default, for all). */
        public Builder maxCorpusSize(int value) {
            this.maxCorpusSize = MAX_CORPUS_SIZE.check(value, OWNER);
            return this;
        }

        /**
         * Texts put before queries and documents (options {@code query_prompt}, {@code document_prompt}),
         * in front of the encoder's own prompts; for encoders without prompts of their own.
         */
        public Builder prompts(String query, String document) {
            this.queryPrefix = QUERY_PROMPT.check(query, OWNER);
            this.documentPrefix = DOCUMENT_PROMPT.check(document, OWNER);
            return this;
        }

        /** @deprecated renamed; use {@link #prompts(String, String)}. */
        @Deprecated
        public Builder prefixes(String query, String document) {
            return prompts(query, document);
        }

        /** Whether a document's title precedes its text (option {@code include_title}, default true). */
        public Builder includeTitle(boolean value) {
            this.includeTitle = value;
            return this;
        }

        /** Draw progress bars while encoding (option {@code show_progress_bar}). */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /**
         * The retriever plugin that searches the corpus and its options (option {@code retriever},
         * default {@code exact}; {@code hnsw} for corpora too large for exact search).
         */
        public Builder retriever(String name, Map<String, ?> options) {
            this.retriever = RETRIEVER.check(name, OWNER);
            this.retrieverOptions = Map.copyOf(options);
            return this;
        }

        /** Queries also searched exactly to report the retriever's recall@10 against exact search (option {@code recall_sample}, default 200). */
        public Builder recallSample(int value) {
            this.recallSample = RECALL_SAMPLE.check(value, OWNER);
            return this;
        }

        /**
         * Keep the corpus encoding in {@code folder} (a corpus store, as {@code retrievals mine
         * --store} and {@code encode} write them) and reuse it while the corpus, the document
         * prefix and {@code modelFingerprint} match; any other store there is replaced (options
         * {@code store}, {@code model_fingerprint}). {@code null} (the default): a temporary folder.
         */
        public Builder store(Path folder, String modelFingerprint) {
            if (folder != null && (modelFingerprint == null || modelFingerprint.isBlank())) {
                throw new IllegalArgumentException("Option 'store' of " + OWNER + " needs 'model_fingerprint': what identifies the"
                        + " model and its settings, so that a kept corpus encoding is reused only for the same model");
            }
            this.storeFolder = folder;
            this.modelFingerprint = folder == null ? "evaluation" : modelFingerprint;
            return this;
        }

        /** Reads the folder and builds the evaluator. */
        public RetrievalEvaluator build() {
            return new RetrievalEvaluator(this);
        }
    }
}
