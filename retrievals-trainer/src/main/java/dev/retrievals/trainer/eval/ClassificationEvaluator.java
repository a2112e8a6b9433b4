package dev.retrievals.trainer.eval;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.index.retriever.ExactRetriever;
import dev.retrievals.index.store.InMemoryCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classification accuracy of embeddings, for point-wise (for example ArcFace) models, without
 * training a classifier: the training texts are embedded once and each test text is labelled
 * <ul>
 *   <li>by its {@code k} nearest training texts (cosine similarity), majority vote; a tie between
 *       labels goes to the label of the nearest neighbour among them ({@code knn_accuracy}, the
 *       primary metric);
 *   <li>by the nearest class centroid, the mean of the class's unit training vectors compared by
 *       cosine; a tie goes to the label that sorts first ({@code centroid_accuracy}).
 * </ul>
 * Higher is better. A test label absent from the training file can never be predicted and counts
 * as an error (a warning says how many there are). Both files are read once, when the evaluator
 * is built; a missing column or empty text fails naming the file and line.
 */
public final class ClassificationEvaluator implements Evaluator {
    private static final Logger LOG = LoggerFactory.getLogger(ClassificationEvaluator.class);
    static final String OWNER = "evaluator 'classification'";

    static final OptionSpec<String> TRAIN_PATH = OptionSpec.ofString("train_path", null,
            "labelled texts the neighbours and centroids come from (.jsonl, .json, .csv, .tsv)").required();
    static final OptionSpec<String> TEST_PATH = OptionSpec.ofString("test_path", null,
            "labelled texts to classify (.jsonl, .json, .csv, .tsv)").required();
    static final OptionSpec<String> TEXT_COLUMN = OptionSpec.ofString("text_column", "text", "column of the text");
    static final OptionSpec<String> LABEL_COLUMN = OptionSpec.ofString("label_column", "label", "column of the class label");
    static final OptionSpec<Integer> K = OptionSpec.ofInt("k", 5, "neighbours that vote on a test text's label").atLeast(1);
    static final OptionSpec<Integer> MAX_TRAIN_ROWS = CommonOptions.rowLimit("max_train_rows", "training rows");
    static final OptionSpec<Integer> MAX_TEST_ROWS = CommonOptions.rowLimit("max_test_rows", "test rows");

    /** The primary metric. */
    public static final String KNN_ACCURACY = "knn_accuracy";
    /** The nearest-centroid metric. */
    public static final String CENTROID_ACCURACY = "centroid_accuracy";

    private final LabelledTexts train;
    private final LabelledTexts test;
    private final int k;
    private final int batchSize;
    private final boolean showProgressBar;

    private ClassificationEvaluator(Builder builder) {
        this.train = LabelledTexts.read(builder.trainFile, builder.textColumn, builder.labelColumn, builder.maxTrainRows);
        this.test = LabelledTexts.read(builder.testFile, builder.textColumn, builder.labelColumn, builder.maxTestRows);
        this.k = builder.k;
        this.batchSize = builder.batchSize;
        this.showProgressBar = builder.showProgressBar;
        Set<String> known = new HashSet<>(train.labels);
        long unseen = test.labels.stream().filter(label -> !known.contains(label)).count();
        if (unseen > 0) {
            LOG.warn("{}: {} of {} test rows in {} have a label absent from {}; they count as errors", OWNER, unseen,
                    test.labels.size(), test.source, train.source);
        }
    }

    /** A builder for these training and test files, with the columns {@code text} and {@code label}. */
    public static Builder builder(Path trainFile, Path testFile) {
        return new Builder(trainFile, testFile);
    }

    /** An evaluator from checked plugin options. */
    static ClassificationEvaluator fromOptions(Options options) {
        return builder(Path.of(options.get(TRAIN_PATH)), Path.of(options.get(TEST_PATH)))
                .columns(options.get(TEXT_COLUMN), options.get(LABEL_COLUMN))
                .k(options.get(K))
                .batchSize(options.get(CommonOptions.BATCH_SIZE))
                .maxRows(options.get(MAX_TRAIN_ROWS), options.get(MAX_TEST_ROWS))
                .showProgressBar(options.get(CommonOptions.SHOW_PROGRESS_BAR))
                .build();
    }

    /** Embeds both files and scores kNN and nearest-centroid accuracy on the test texts. */
    @Override
    public EvaluationResult evaluate(TextEncoder encoder) {
        float[][] testVectors = BatchedEncoding.encode(encoder::encode, test.texts, batchSize, "test", showProgressBar);
        float[][] trainVectors = BatchedEncoding.encode(encoder::encode, train.texts, batchSize, "train", showProgressBar);
        List<List<SearchHit>> neighbours;
        try (SearchIndex index = ExactRetriever.of(8192, 64, 1).index(new InMemoryCorpus(trainVectors))) {
            neighbours = index.search(SearchQueries.ofVectors(testVectors), k);
        }
        Map<String, float[]> centroids = centroids(trainVectors);
        int knnCorrect = 0;
        int centroidCorrect = 0;
        for (int i = 0; i < testVectors.length; i++) {
            String gold = test.labels.get(i);
            if (gold.equals(vote(neighbours.get(i)))) {
                knnCorrect++;
            }
            if (gold.equals(nearestCentroid(testVectors[i], centroids))) {
                centroidCorrect++;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(KNN_ACCURACY, (double) knnCorrect / testVectors.length);
        metrics.put(CENTROID_ACCURACY, (double) centroidCorrect / testVectors.length);
        LOG.info("{} on {} ({} test, {} train rows, k {}): {}", OWNER, test.source, testVectors.length, trainVectors.length, k,
                metrics);
        return new EvaluationResult(metrics, KNN_ACCURACY, true);
    }

    /** The majority label of the hits (best first); among tied labels, the one seen first, that is the nearest. */
    private String vote(List<SearchHit> hits) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (SearchHit hit : hits) {
            votes.merge(train.labels.get(hit.document()), 1, Integer::sum);
        }
        String best = null;
        int most = 0;
        for (Map.Entry<String, Integer> entry : votes.entrySet()) {
            if (entry.getValue() > most) {
                best = entry.getKey();
                most = entry.getValue();
            }
        }
        return best;
    }

    /** Label to the unit mean of its unit training vectors, labels sorted. */
    private Map<String, float[]> centroids(float[][] trainVectors) {
        Map<String, double[]> sums = new TreeMap<>();
        for (int i = 0; i < trainVectors.length; i++) {
            float[] unit = Vectors.unit(trainVectors[i]);
            double[] sum = sums.computeIfAbsent(train.labels.get(i), label -> new double[unit.length]);
            for (int d = 0; d < unit.length; d++) {
                sum[d] += unit[d];
            }
        }
        Map<String, float[]> centroids = new TreeMap<>();
        sums.forEach((label, sum) -> {
            float[] centroid = new float[sum.length];
            for (int d = 0; d < sum.length; d++) {
                centroid[d] = (float) sum[d];
            }
            centroids.put(label, Vectors.unit(centroid));
        });
        return centroids;
    }

    private static String nearestCentroid(float[] vector, Map<String, float[]> centroids) {
        float[] unit = Vectors.unit(vector);
        String best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, float[]> entry : centroids.entrySet()) {
            double score = Vectors.dot(unit, entry.getValue());
            if (score > bestScore) {
                best = entry.getKey();
                bestScore = score;
            }
        }
        return best;
    }

    /** Texts and their labels from one file. */
    private record LabelledTexts(String source, List<String> texts, List<String> labels) {
        static LabelledTexts read(Path file, String textColumn, String labelColumn, int maxRows) {
            Map<String, ColumnType> types = new LinkedHashMap<>();
            types.put(textColumn, ColumnType.TEXT);
            types.put(labelColumn, ColumnType.LABEL);
            Dataset rows = Dataset.fromFile(file).validate(types);
            if (maxRows > 0) {
                rows = rows.take(maxRows);
            }
            List<String> texts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                texts.add((String) row.get(textColumn));
                labels.add((String) row.get(labelColumn));
            }
            if (texts.isEmpty()) {
                throw new IllegalArgumentException(rows.name() + " has no rows to classify with");
            }
            return new LabelledTexts(rows.name(), List.copyOf(texts), List.copyOf(labels));
        }
    }

    /** Settings of a {@link ClassificationEvaluator}; each value is checked as the plugin option of the same name. */
    public static final class Builder {
        private final Path trainFile;
        private final Path testFile;
        private String textColumn = TEXT_COLUMN.defaultValue();
        private String labelColumn = LABEL_COLUMN.defaultValue();
        private int k = K.defaultValue();
        private int batchSize = CommonOptions.BATCH_SIZE.defaultValue();
        private int maxTrainRows = MAX_TRAIN_ROWS.defaultValue();
        private int maxTestRows = MAX_TEST_ROWS.defaultValue();
        private boolean showProgressBar = CommonOptions.SHOW_PROGRESS_BAR.defaultValue();

        private Builder(Path trainFile, Path testFile) {
            this.trainFile = Path.of(TRAIN_PATH.check(trainFile == null ? null : trainFile.toString(), OWNER));
            this.testFile = Path.of(TEST_PATH.check(testFile == null ? null : testFile.toString(), OWNER));
        }

        /** The columns of the text and the label. */
        public Builder columns(String text, String label) {
            this.textColumn = TEXT_COLUMN.check(text, OWNER);
            this.labelColumn = LABEL_COLUMN.check(label, OWNER);
            return this;
        }

        /** Neighbours that vote (option {@code k}, default 5). */
        public Builder k(int value) {
            this.k = K.check(value, OWNER);
            return this;
        }

        /** Texts handed to the encoder per call (option {@code batch_size}, default 64). */
        public Builder batchSize(int value) {
            this.batchSize = CommonOptions.BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Read only the first rows of each file (options {@code max_train_rows}, {@code max_test_rows}; 0 reads all). */
        public Builder maxRows(int train, int test) {
            this.maxTrainRows = MAX_TRAIN_ROWS.check(train, OWNER);
            this.maxTestRows = MAX_TEST_ROWS.check(test, OWNER);
            return this;
        }

        /** Draw progress bars while encoding (option {@code show_progress_bar}). */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /** Reads both files and builds the evaluator. */
        public ClassificationEvaluator build() {
            return new ClassificationEvaluator(this);
        }
    }
}
