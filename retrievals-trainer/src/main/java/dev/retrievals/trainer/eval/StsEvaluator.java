package dev.retrievals.trainer.eval;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.DataProblem;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.trainer.eval.metrics.Correlation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Semantic textual similarity: the Pearson and Spearman correlation between the cosine similarity
 * of each sentence pair's embeddings (or, for a reranker, its score of the pair) and its gold
 * score, as sentence-transformers' {@code EmbeddingSimilarityEvaluator} (cosine variant) and
 * {@code CrossEncoderCorrelationEvaluator} and text2vec report it. The primary
 * metric is {@code spearman}; higher is better.
 *
 * <p>The file (JSON Lines, JSON, CSV or TSV) is read once, when the evaluator is built; a missing
 * column, an empty sentence or a score that is not a number fails naming the file and line.
 *
 * <pre>{@code
 * Evaluator sts = StsEvaluator.builder(Path.of("data/sts-b-en/dev.jsonl")).build();
 * double spearman = sts.evaluate(model).primary();
 * }</pre>
 */
public final class StsEvaluator implements Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(StsEvaluator.class);
    static final String OWNER = "evaluator 'sts'";

    static final OptionSpec<String> PATH =
            OptionSpec.ofString("path", null, "STS file (.jsonl, .json, .csv, .tsv): two sentences and a gold score per row").required();
    static final OptionSpec<String> SENTENCE1_COLUMN = OptionSpec.ofString("sentence1_column", "sentence1", "column of the first sentence");
    static final OptionSpec<String> SENTENCE2_COLUMN = OptionSpec.ofString("sentence2_column", "sentence2", "column of the second sentence");
    static final OptionSpec<String> SCORE_COLUMN = OptionSpec.ofString("score_column", "score", "column of the gold similarity score");
    static final OptionSpec<Integer> MAX_ROWS = CommonOptions.rowLimit("max_rows", "sentence pairs");

    /** The name of the Pearson correlation in results. */
    public static final String PEARSON = "pearson";
    /** The name of the Spearman correlation in results, the primary metric. */
    public static final String SPEARMAN = "spearman";

    private final String source;
    private final List<String> sentences1;
    private final List<String> sentences2;
    private final double[] gold;
    private final int batchSize;
    private final boolean showProgressBar;

    private StsEvaluator(Builder builder) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        types.put(builder.sentence1Column, ColumnType.TEXT);
        types.put(builder.sentence2Column, ColumnType.TEXT);
        types.put(builder.scoreColumn, ColumnType.NUMBER);
        Dataset rows = Dataset.fromFile(builder.file).validate(types);
        if (builder.maxRows > 0) {
            rows = rows.take(builder.maxRows);
        }
        this.source = rows.name();
        this.sentences1 = new ArrayList<>();
        this.sentences2 = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            sentences1.add((String) row.get(builder.sentence1Column));
            sentences2.add((String) row.get(builder.sentence2Column));
            scores.add(((Number) row.get(builder.scoreColumn)).doubleValue());
        }
        if (scores.size() < 2) {
            throw new DataException(source, DataProblem.UNUSABLE, scores.size() + " sentence pairs; an STS evaluation needs at least 2");
        }
        this.gold = scores.stream().mapToDouble(Double::doubleValue).toArray();
        if (scores.stream().distinct().count() == 1) {
            throw new DataException(source, DataProblem.UNUSABLE, "every gold score in column '" + builder.scoreColumn + "' is "
                    + scores.get(0) + "; a correlation needs scores that vary");
        }
        this.batchSize = builder.batchSize;
        this.showProgressBar = builder.showProgressBar;
    }

    /** A builder for the STS file {@code file}, with the columns {@code sentence1}, {@code sentence2}, {@code score}. */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** An evaluator from checked plugin options. */
    static StsEvaluator fromOptions(Options options) {
        return builder(Path.of(options.get(PATH)))
                .columns(options.get(SENTENCE1_COLUMN), options.get(SENTENCE2_COLUMN), options.get(SCORE_COLUMN))
                .batchSize(options.get(CommonOptions.BATCH_SIZE))
                .maxRows(options.get(MAX_ROWS))
                .showProgressBar(options.get(CommonOptions.SHOW_PROGRESS_BAR))
                .build();
    }

    /** The number of sentence pairs. */
    public int size() {
        return gold.length;
    }

    /** Cosine similarity of each pair, correlated with the gold scores. */
    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        float[][] first = BatchedEncoding.encode(encoder::encode, sentences1, batchSize, "sentence1", showProgressBar);
        float[][] second = BatchedEncoding.encode(encoder::encode, sentences2, batchSize, "sentence2", showProgressBar);
        double[] cosines = new double[gold.length];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = Vectors.cosine(first[i], second[i]);
        }
        return correlate(cosines, "cosine similarity");
    }

    /** A reranker's score of each pair (sentence1 as the query), correlated with the gold scores. */
    @Override
    public EvaluationResult evaluate(PairScorer reranker) {
        double[] scores = new double[gold.length];
        try (ProgressBar progress = new ProgressBar("score pairs", gold.length, showProgressBar)) {
            for (int start = 0; start < gold.length; start += batchSize) {
                int end = Math.min(gold.length, start + batchSize);
                float[] batch = reranker.score(sentences1.subList(start, end), sentences2.subList(start, end));
                for (int i = start; i < end; i++) {
                    scores[i] = batch[i - start];
                }
                progress.advance(end - start);
            }
        }
        return correlate(scores, "reranker score");
    }

    private EvaluationResult correlate(double[] predicted, String what) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(PEARSON, Correlation.pearson(predicted, gold));
        metrics.put(SPEARMAN, Correlation.spearman(predicted, gold));
        if (metrics.get(SPEARMAN).isNaN()) {
            LOG.warn("{} on {}: every pair has the same {}; the correlations are undefined (NaN)", OWNER, source, what);
        }
        LOG.info("{} on {} ({} pairs): {}", OWNER, source, gold.length, metrics);
        return new EvaluationResult(metrics, SPEARMAN, true);
    }

    /** Settings of an {@link StsEvaluator}; each value is checked as the plugin option of the same name. */
    public static final class Builder {
        private final Path file;
        private String sentence1Column = SENTENCE1_COLUMN.defaultValue();
        private String sentence2Column = SENTENCE2_COLUMN.defaultValue();
        private String scoreColumn = SCORE_COLUMN.defaultValue();
        private int batchSize = CommonOptions.BATCH_SIZE.defaultValue();
        private int maxRows = MAX_ROWS.defaultValue();
        private boolean showProgressBar = CommonOptions.SHOW_PROGRESS_BAR.defaultValue();

        private Builder(Path file) {
            this.file = Path.of(PATH.check(file == null ? null : file.toString(), OWNER));
        }

        /** The columns of the two sentences and the gold score. */
        public Builder columns(String sentence1, String sentence2, String score) {
            this.sentence1Column = SENTENCE1_COLUMN.check(sentence1, OWNER);
            this.sentence2Column = SENTENCE2_COLUMN.check(sentence2, OWNER);
            this.scoreColumn = SCORE_COLUMN.check(score, OWNER);
            return this;
        }

        /** Texts handed to the encoder per call (option {@code batch_size}, default 64). */
        public Builder batchSize(int value) {
            this.batchSize = CommonOptions.BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Read only the first rows (option {@code max_rows}; 0, the default, reads all). */
        public Builder maxRows(int value) {
            this.maxRows = MAX_ROWS.check(value, OWNER);
            return this;
        }

        /** Draw progress bars while encoding (option {@code show_progress_bar}). */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /** Reads the file and builds the evaluator. */
        public StsEvaluator build() {
            return new StsEvaluator(this);
        }
    }
}
