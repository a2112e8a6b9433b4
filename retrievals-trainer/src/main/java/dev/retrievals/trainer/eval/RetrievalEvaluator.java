package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.trainer.eval.metrics.RankingMetric;
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
 * Dense retrieval on a BEIR-style folder: every judged query of a split searches the corpus by
 * exact cosine similarity (brute force over unit vectors, the corpus encoded and scored a chunk
 * at a time so memory stays bounded), and each {@link RankingMetric} is computed at each cutoff
 * and averaged over the queries, as sentence-transformers' {@code InformationRetrievalEvaluator}
 * does (see {@link RankingMetric} for the definitions followed). Metrics are named like
 * {@code ndcg@10}, {@code mrr@10}, {@code recall@100}; the primary metric is {@code ndcg@10} by
 * default; higher is better.
 *
 * <p>Queries are encoded with {@link RoleAwareEncoder#encodeQueries} and documents with
 * {@link RoleAwareEncoder#encodeDocuments} when the encoder has query and document roles, after
 * the optional {@code query_prefix} / {@code document_prefix} are prepended. Unlike BEIR's exact
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
    static final OptionSpec<String> QUERY_PREFIX = OptionSpec.ofString("query_prefix", "", "text prepended to every query");
    static final OptionSpec<String> DOCUMENT_PREFIX = OptionSpec.ofString("document_prefix", "", "text prepended to every document");
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
                .prefixes(options.get(QUERY_PREFIX), options.get(DOCUMENT_PREFIX))
                .includeTitle(options.get(INCLUDE_TITLE))
                .showProgressBar(options.get(CommonOptions.SHOW_PROGRESS_BAR))
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

    /** Encodes the queries, searches the corpus chunk by chunk, and averages the metrics over the queries. */
    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        Function<List<String>, float[][]> encodeQueries = encoder::encode;
        Function<List<String>, float[][]> encodeDocuments = encoder::encode;
        if (encoder instanceof RoleAwareEncoder roles) {
            encodeQueries = roles::encodeQueries;
            encodeDocuments = roles::encodeDocuments;
        }
        float[][] queries = BatchedEncoding.encode(encodeQueries, queryTexts, batchSize, "queries", showProgressBar);
        ExactCosineSearch search = new ExactCosineSearch(queries, Collections.max(cutoffs));
        for (int start = 0; start < documentTexts.size(); start += corpusChunkSize) {
            List<String> chunk = documentTexts.subList(start, Math.min(documentTexts.size(), start + corpusChunkSize));
            search.add(BatchedEncoding.encode(encodeDocuments, chunk, batchSize, "corpus", showProgressBar));
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int q = 0; q < queries.length; q++) {
            List<String> ranking = search.hits(q).stream().map(hit -> data.documentIds.get(hit.index())).toList();
            for (RankingMetric metric : RankingMetric.values()) {
                for (int k : cutoffs) {
                    sums.merge(metric.label(k), metric.at(ranking, data.judgments.get(q), k), Double::sum);
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        sums.forEach((name, sum) -> metrics.put(name, sum / queries.length));
        LOG.info("{} on {} ({} queries, {} documents): {} = {}", OWNER, source, queries.length, documentTexts.size(),
                primaryMetric, metrics.get(primaryMetric));
        return new EvaluationResult(metrics, primaryMetric, true);
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
        private String queryPrefix = QUERY_PREFIX.defaultValue();
        private String documentPrefix = DOCUMENT_PREFIX.defaultValue();
        private boolean includeTitle = INCLUDE_TITLE.defaultValue();
        private boolean showProgressBar = CommonOptions.SHOW_PROGRESS_BAR.defaultValue();

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

        /** Texts prepended to queries and documents (options {@code query_prefix}, {@code document_prefix}). */
        public Builder prefixes(String query, String document) {
            this.queryPrefix = QUERY_PREFIX.check(query, OWNER);
            this.documentPrefix = DOCUMENT_PREFIX.check(document, OWNER);
            return this;
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

        /** Reads the folder and builds the evaluator. */
        public RetrievalEvaluator build() {
            return new RetrievalEvaluator(this);
        }
    }
}
