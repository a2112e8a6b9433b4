package dev.retrievals.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.index.mining.MinedRows;
import dev.retrievals.index.mining.NegativeSelection;
import dev.retrievals.index.mining.OutputFormat;
import dev.retrievals.index.mining.PairGroups;
import dev.retrievals.index.retriever.HnswRetriever;
import dev.retrievals.index.retriever.ShardSearch;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.index.store.InMemoryCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Mines hard negatives on Spark with the single-machine miner's rules and output: the corpus (and
 * the positives, appended after it as the single-machine miner does) is encoded on the executors,
 * each partition of it is a shard that {@link ShardSearch#topK} searches for every query, the
 * shards' lists are merged per query by score ({@link ShardSearch#merge}), and each query's merged
 * candidates go through the same {@link NegativeSelection} and {@link MinedRows} as in
 * {@code HardNegativeMiner}. With {@code retriever("hnsw")} each shard is searched through a Lucene
 * HNSW graph built on its executor instead. The result is the miner's JSON lines, in its order.
 *
 * <p>The query side (queries, positives, their vectors) is gathered on the driver and broadcast;
 * the corpus side stays distributed. Differences from the single-machine miner: each query
 * retrieves a fixed depth ({@link NegativeSelection#depth}) and is not searched deeper when filters
 * leave fewer than {@code range_max} candidates; no teacher; no bm25 or hybrid retrieval.
 */
public final class SparkMiner {
    private static final Logger LOG = LoggerFactory.getLogger(SparkMiner.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final StructType POSITION_TEXT =
            new StructType().add("position", DataTypes.IntegerType, false).add("text", DataTypes.StringType, false);
    private static final String EMBEDDING = "embedding";
    private static final StructType POSITION_TEXT_EMBEDDING =
            POSITION_TEXT.add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, true), false);
    private static final int ROWS_PER_QUERY_BITS = 24;

    private final SparkEncoder documents;
    private final SparkEncoder queries;
    private final NegativeSelection rules;
    private final OutputFormat format;
    private final boolean scores;
    private final String queryColumn;
    private final String positiveColumn;
    private final String textColumn;
    private final Integer shards;
    private final int blockSize;
    private final boolean hnsw;
    private final String documentPrompt;

    private SparkMiner(Builder builder) {
        builder.encoder.textColumn("text").outputColumn("embedding").normalize(true);
        this.documents = withPrompt(builder.encoder.copyWithRole("document"), builder.documentPrompt).build();
        this.queries = withPrompt(builder.encoder.copyWithRole("query"), builder.queryPrompt).build();
        this.rules = builder.rules;
        this.format = builder.format;
        this.scores = builder.includeScores;
        this.queryColumn = builder.queryColumn;
        this.positiveColumn = builder.positiveColumn;
        this.textColumn = builder.textColumn;
        this.shards = builder.shards;
        this.blockSize = builder.blockSize;
        this.hnsw = builder.retriever.equals("hnsw");
        this.documentPrompt = builder.documentPrompt;
    }

    private static SparkEncoder.Builder withPrompt(SparkEncoder.Builder encoder, String prompt) {
        return prompt == null ? encoder : encoder.prompt(prompt);
    }

    /** A miner encoding with {@code encoder}'s model and settings, choosing negatives by {@code rules}. */
    public static Builder builder(SparkEncoder.Builder encoder, NegativeSelection rules) {
        return new Builder(encoder, rules);
    }

    /**
     * Mines negatives for (query, positive) rows.
     *
     * @param pairs rows with the query and positive columns
     * @param corpus rows with the text column, or {@code null} to search the positives only; with an
     *     {@code embedding} column too (what {@code EncodeJob} writes, unit vectors of the same model),
     *     its vectors are used and only the positives are encoded
     * @return the output rows as JSON lines, ordered as the single-machine miner writes them
     */
    public Dataset<String> mine(SparkSession spark, Dataset<Row> pairs, Dataset<Row> corpus) {
        requireText(pairs, queryColumn, "pairs");
        requireText(pairs, positiveColumn, "pairs");
        if (corpus != null) {
            requireText(corpus, textColumn, "corpus");
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        PairGroups groups = groups(pairs);
        List<String> queryTexts = groups.queries();
        List<List<String>> positiveTexts = groups.positives();

        Dataset<Row> encoded = encodedCorpus(spark, context, corpus, groups.distinctPositives()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return mine(spark, context, encoded, queryTexts, positiveTexts);
        } finally {
            encoded.unpersist(false);
        }
    }

    private Dataset<String> mine(SparkSession spark, JavaSparkContext context, Dataset<Row> encoded, List<String> queryTexts,
            List<List<String>> positiveTexts) {
        int total = Math.toIntExact(encoded.count());
        Map<Long, Tuple2<Integer, float[]>> positiveDocuments = positiveDocuments(encoded, positiveTexts);
        float[][] queryVectors = queryVectors(spark, context, queryTexts);
        int count = queryTexts.size();
        int[][] positives = new int[count][];
        long[][] positiveHashes = new long[count][];
        double[][] positiveScores = new double[count][];
        int maxPositives = 0;
        for (int q = 0; q < count; q++) {
            List<String> texts = positiveTexts.get(q);
            positives[q] = new int[texts.size()];
            positiveHashes[q] = new long[texts.size()];
            positiveScores[q] = new double[texts.size()];
            for (int p = 0; p < texts.size(); p++) {
                long hash = CorpusStore.textHash(texts.get(p));
                Tuple2<Integer, float[]> document = positiveDocuments.get(hash);
                positives[q][p] = document._1();
                positiveHashes[q][p] = hash;
                positiveScores[q][p] = Vectors.dot(queryVectors[q], document._2());
            }
            maxPositives = Math.max(maxPositives, texts.size());
        }
        int depth = rules.depth(maxPositives, total);
        int block = blockSize;
        boolean graph = hnsw;
        Broadcast<float[][]> queriesShared = context.broadcast(queryVectors);
        JavaPairRDD<Integer, ShardHits> merged = encoded.select("position", "text", "embedding").javaRDD()
                .mapPartitionsToPair(rows -> searchShard(rows, queriesShared.value(), depth, block, graph))
                .reduceByKey((a, b) -> ShardHits.merge(a, b, depth));

        NegativeSelection selection = rules;
        Broadcast<int[][]> positivesShared = context.broadcast(positives);
        Broadcast<long[][]> hashesShared = context.broadcast(positiveHashes);
        Broadcast<double[][]> scoresShared = context.broadcast(positiveScores);
        JavaPairRDD<Integer, NegativeSelection.Selected> selected = merged.mapToPair(entry -> {
            int q = entry._1();
            ShardHits hits = entry._2();
            Map<Integer, Long> hashes = new HashMap<>();
            Map<Integer, Double> scoreOf = new HashMap<>();
            for (int i = 0; i < hits.positions.length; i++) {
                hashes.put(hits.positions[i], hits.hashes[i]);
                scoreOf.put(hits.positions[i], hits.scores[i]);
            }
            for (int p = 0; p < positivesShared.value()[q].length; p++) {
                hashes.put(positivesShared.value()[q][p], hashesShared.value()[q][p]);
            }
            return new Tuple2<>(q, selection.select(hits.hits(), positivesShared.value()[q], hashes::get, scoreOf::get,
                    scoresShared.value()[q], q));
        }).persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> drops = selected.values().map(NegativeSelection.Selected::drops).fold(new LinkedHashMap<>(), SparkMiner::sum);
        LOG.info("Mined {} queries on Spark; dropped: {}", count, drops);

        JavaPairRDD<Integer, Tuple2<Integer, Tuple2<Integer, Double>>> chosen = selected.flatMapToPair(entry -> {
            List<Tuple2<Integer, Tuple2<Integer, Tuple2<Integer, Double>>>> out = new ArrayList<>();
            List<NegativeSelection.Negative> negatives = entry._2().negatives();
            for (int n = 0; n < negatives.size(); n++) {
                out.add(new Tuple2<>(negatives.get(n).position(), new Tuple2<>(entry._1(), new Tuple2<>(n, negatives.get(n).score()))));
            }
            return out.iterator();
        });
        JavaPairRDD<Integer, String> texts = encoded.select("position", "text").javaRDD()
                .mapToPair(row -> new Tuple2<>(row.getInt(0), row.getString(1)));
        Broadcast<List<String>> queryTextsShared = context.broadcast(queryTexts);
        Broadcast<List<List<String>>> positiveTextsShared = context.broadcast(positiveTexts);
        OutputFormat outputFormat = format;
        boolean withScores = scores;
        int numNegatives = rules.numNegatives();
        JavaPairRDD<Long, String> lines = chosen.join(texts)
                .mapToPair(joined -> new Tuple2<>(joined._2()._1()._1(), new Tuple2<>(joined._2()._1()._2(), joined._2()._2())))
                .groupByKey()
                .flatMapToPair(group -> {
                    int q = group._1();
                    List<Tuple2<Tuple2<Integer, Double>, String>> negatives = new ArrayList<>();
                    group._2().forEach(negatives::add);
                    negatives.sort((a, b) -> Integer.compare(a._1()._1(), b._1()._1()));
                    List<String> negativeTexts = negatives.stream().map(Tuple2::_2).toList();
                    List<Double> negativeScores = negatives.stream().map(negative -> negative._1()._2()).toList();
                    List<Map<String, Object>> rows = MinedRows.of(outputFormat, withScores, numNegatives, queryTextsShared.value().get(q),
                            positiveTextsShared.value().get(q), scoresShared.value()[q], negativeTexts, negativeScores);
                    List<Tuple2<Long, String>> out = new ArrayList<>();
                    for (int i = 0; i < rows.size(); i++) {
                        out.add(new Tuple2<>(((long) q << ROWS_PER_QUERY_BITS) | i, GSON.toJson(rows.get(i))));
                    }
                    return out.iterator();
                })
                .sortByKey();
        Dataset<String> result = spark.createDataset(lines.values().rdd(), Encoders.STRING());
        selected.unpersist(false);
        return result;
    }

    /**
     * The best {@code depth} candidates of one shard (a partition of the encoded corpus) for every
     * query: exact blockwise search, or a Lucene HNSW graph built on the executor for this shard
     * (its candidates rescored with the exact cosine, so scores and the merge are the exact ones).
     */
    private static Iterator<Tuple2<Integer, ShardHits>> searchShard(Iterator<Row> rows, float[][] queries, int depth, int blockSize,
            boolean hnsw) throws IOException {
        List<Row> shard = new ArrayList<>();
        rows.forEachRemaining(shard::add);
        List<Tuple2<Integer, ShardHits>> out = new ArrayList<>();
        if (shard.isEmpty()) {
            return out.iterator();
        }
        shard.sort((a, b) -> Integer.compare(a.getInt(0), b.getInt(0))); // local order = corpus order, so ties break alike
        float[][] vectors = new float[shard.size()][];
        for (int i = 0; i < vectors.length; i++) {
            List<Float> values = shard.get(i).getList(2);
            vectors[i] = new float[values.size()];
            for (int d = 0; d < vectors[i].length; d++) {
                vectors[i][d] = values.get(d);
            }
        }
        List<List<SearchHit>> found;
        if (hnsw) {
            Path folder = Files.createTempDirectory("retrievals-shard-hnsw-");
            // One build thread: a task has one executor core, and the executor's other cores run other tasks.
            try (SearchIndex index = HnswRetriever.create().withThreads(1).index(InMemoryCorpus.ofUnitVectors(vectors, folder))) {
                found = index.search(new SearchQueries(null, queries), Math.min(depth, vectors.length));
            } finally {
                AtomicFolder.deleteQuietly(folder);
            }
        } else {
            found = ShardSearch.topK(queries, InMemoryCorpus.ofUnitVectors(vectors), 0, depth, blockSize);
        }
        for (int q = 0; q < queries.length; q++) {
            List<SearchHit> hits = found.get(q);
            int n = hits.size();
            ShardHits result = new ShardHits(new int[n], new double[n], new double[n], new long[n]);
            for (int i = 0; i < n; i++) {
                int local = hits.get(i).document();
                result.positions[i] = shard.get(local).getInt(0);
                result.rankScores[i] = hits.get(i).score();
                result.scores[i] = Vectors.dot(queries[q], vectors[local]);
                result.hashes[i] = CorpusStore.textHash(shard.get(local).getString(1));
            }
            out.add(new Tuple2<>(q, result));
        }
        return out.iterator();
    }

    /**
     * The corpus's texts (stripped) at positions 0…, then the distinct positives after them, with
     * their unit vectors: all encoded here, or, for a corpus that already has an {@code embedding}
     * column (an {@code EncodeJob} output), only the positives.
     */
    private Dataset<Row> encodedCorpus(SparkSession spark, JavaSparkContext context, Dataset<Row> corpus, List<String> positives) {
        boolean preEncoded = corpus != null && Arrays.asList(corpus.schema().fieldNames()).contains(EMBEDDING);
        if (preEncoded && documentPrompt != null && !documentPrompt.isEmpty()) {
            throw new RetrievalsException("The corpus already has an '" + EMBEDDING + "' column, encoded without a document prompt;"
                    + " drop the column or the document prompt");
        }
        String column = textColumn;
        long corpusSize = 0;
        JavaRDD<Row> rows = context.emptyRDD();
        if (corpus != null) {
            JavaPairRDD<Row, Long> indexed = (preEncoded ? corpus.select(column, EMBEDDING) : corpus.select(column)).javaRDD().zipWithIndex();
            corpusSize = indexed.count();
            rows = indexed.map(entry -> {
                Row row = entry._1();
                if (row.isNullAt(0)) {
                    throw new RetrievalsException("Column '" + column + "' of the corpus is null in row " + entry._2()
                            + "; expected a text in every row");
                }
                int position = Math.toIntExact(entry._2());
                if (row.length() == 1) {
                    return RowFactory.create(position, row.getString(0).strip());
                }
                if (row.isNullAt(1)) {
                    throw new RetrievalsException("Column '" + EMBEDDING + "' of the corpus is null in row " + entry._2()
                            + "; expected a vector in every row");
                }
                return RowFactory.create(position, row.getString(0).strip(), row.get(1));
            });
        }
        if (corpusSize + positives.size() > Integer.MAX_VALUE) {
            throw new RetrievalsException("The corpus has " + corpusSize + " documents; at most " + Integer.MAX_VALUE + " can be mined");
        }
        List<Row> appended = new ArrayList<>();
        for (int i = 0; i < positives.size(); i++) {
            appended.add(RowFactory.create((int) corpusSize + i, positives.get(i)));
        }
        JavaRDD<Row> positiveRows = context.parallelize(appended, Math.max(1, context.defaultParallelism()));
        if (!preEncoded) {
            JavaRDD<Row> all = rows.union(positiveRows);
            return documents.encode(spark.createDataFrame(shards == null ? all : all.repartition(shards), POSITION_TEXT));
        }
        JavaRDD<Row> all = rows.union(documents.encode(spark.createDataFrame(positiveRows, POSITION_TEXT)).javaRDD());
        return spark.createDataFrame(shards == null ? all : all.repartition(shards), POSITION_TEXT_EMBEDDING);
    }

    /** For each positive text's hash: the first corpus position with that text, and its vector. */
    private static Map<Long, Tuple2<Integer, float[]>> positiveDocuments(Dataset<Row> encoded, List<List<String>> positiveTexts) {
        Set<Long> wanted = new HashSet<>();
        positiveTexts.forEach(texts -> texts.forEach(text -> wanted.add(CorpusStore.textHash(text))));
        Broadcast<Set<Long>> wantedShared = JavaSparkContext.fromSparkContext(encoded.sparkSession().sparkContext()).broadcast(wanted);
        return encoded.select("position", "text", "embedding").javaRDD()
                .filter(row -> wantedShared.value().contains(CorpusStore.textHash(row.getString(1))))
                .mapToPair(row -> {
                    List<Float> values = row.getList(2);
                    float[] vector = new float[values.size()];
                    for (int d = 0; d < vector.length; d++) {
                        vector[d] = values.get(d);
                    }
                    return new Tuple2<>(CorpusStore.textHash(row.getString(1)), new Tuple2<>(row.getInt(0), vector));
                })
                .reduceByKey((a, b) -> a._1() <= b._1() ? a : b)
                .collectAsMap();
    }

    /** The queries' unit vectors, in order. */
    private float[][] queryVectors(SparkSession spark, JavaSparkContext context, List<String> texts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        List<Row> encoded = queries.encode(spark.createDataFrame(context.parallelize(rows, Math.max(1, context.defaultParallelism())),
                POSITION_TEXT)).collectAsList();
        float[][] vectors = new float[texts.size()][];
        for (Row row : encoded) {
            List<Float> values = row.getList(2);
            float[] vector = new float[values.size()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = values.get(d);
            }
            vectors[row.getInt(0)] = vector;
        }
        return vectors;
    }

    private PairGroups groups(Dataset<Row> pairs) {
        PairGroups groups = new PairGroups();
        long number = 0;
        for (Row row : pairs.select(queryColumn, positiveColumn).collectAsList()) {
            for (int column = 0; column < 2; column++) {
                if (row.isNullAt(column)) {
                    throw new RetrievalsException("Column '" + (column == 0 ? queryColumn : positiveColumn) + "' of the pairs is null in row "
                            + number + "; expected a text in every row");
                }
            }
            groups.add(row.getString(0), row.getString(1));
            number++;
        }
        if (groups.isEmpty()) {
            throw new RetrievalsException("The pairs have no rows; expected columns '" + queryColumn + "' and '" + positiveColumn + "'");
        }
        return groups;
    }

    private static void requireText(Dataset<Row> table, String column, String what) {
        List<String> columns = Arrays.asList(table.schema().fieldNames());
        if (!columns.contains(column)) {
            throw new RetrievalsException("The " + what + " have no column '" + column + "' (columns: " + String.join(", ", columns) + ")");
        }
        if (!(table.schema().apply(column).dataType() instanceof org.apache.spark.sql.types.StringType)) {
            throw new RetrievalsException("Column '" + column + "' of the " + what + " is " + table.schema().apply(column).dataType()
                    .simpleString() + "; expected a string column of texts");
        }
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> total = new LinkedHashMap<>(a);
        b.forEach((key, value) -> total.merge(key, value, Long::sum));
        return total;
    }

    /** Settings of a {@link SparkMiner}. */
    public static final class Builder {
        private final SparkEncoder.Builder encoder;
        private final NegativeSelection rules;
        private OutputFormat format = OutputFormat.TRIPLET;
        private boolean includeScores;
        private String queryPrompt;
        private String documentPrompt;
        private String queryColumn = "query";
        private String positiveColumn = "positive";
        private String textColumn = "text";
        private Integer shards;
        private int blockSize = 8192;
        private String retriever = "exact";

        private Builder(SparkEncoder.Builder encoder, NegativeSelection rules) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            this.rules = Objects.requireNonNull(rules, "rules");
        }

        /** The output format (default triplet). */
        public Builder format(OutputFormat value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /** Whether triplet and ntuple rows carry scores (default false; flag rows always do). */
        public Builder includeScores(boolean value) {
            this.includeScores = value;
            return this;
        }

        /**
         * Text put before every query / document when it is encoded, in place of the model's saved
         * prompt of that role ("" for none; {@code null} keeps the saved one, the default, as
         * {@code retrievals mine} does). A model saved with {@code include_prompt} false leaves either
         * out of the pooling.
         */
        public Builder prompts(String query, String document) {
            this.queryPrompt = query;
            this.documentPrompt = document;
            return this;
        }

        /** The columns of the pairs (default {@code query}, {@code positive}). */
        public Builder pairColumns(String query, String positive) {
            this.queryColumn = Objects.requireNonNull(query, "query column");
            this.positiveColumn = Objects.requireNonNull(positive, "positive column");
            return this;
        }

        /** The corpus's text column (default {@code text}). */
        public Builder textColumn(String value) {
            this.textColumn = Objects.requireNonNull(value, "textColumn");
            return this;
        }

        /** Corpus shards (partitions searched in parallel); default: the corpus's partitions as read. */
        public Builder shards(int value) {
            if (value < 1) {
                throw new RetrievalsException("Option 'shards' of SparkMiner is " + value + "; allowed: an integer >= 1");
            }
            this.shards = value;
            return this;
        }

        /**
         * How each shard is searched: {@code exact} (the default, blockwise) or {@code hnsw} (a Lucene
         * HNSW graph per shard with the {@code hnsw} retriever's defaults, built on the executor).
         */
        public Builder retriever(String name) {
            if (!name.equals("exact") && !name.equals("hnsw")) {
                throw new RetrievalsException("Option 'retriever' of SparkMiner is '" + name + "'; allowed on Spark: exact or hnsw");
            }
            this.retriever = name;
            return this;
        }

        /** Builds the miner (the encoder's threads per task come from the active session, unless set). */
        public SparkMiner build() {
            return new SparkMiner(this);
        }
    }
}
