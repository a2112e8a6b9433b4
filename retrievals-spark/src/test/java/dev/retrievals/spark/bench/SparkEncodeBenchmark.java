package dev.retrievals.spark.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.testing.BundledMiniLm;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.spark.SparkEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Encoding throughput of the bundled all-MiniLM-L6-v2 (ONNX, mean pooling, 128 tokens, batch 32) on
 * the same English STS-B sentences: the single-machine {@link OnnxEncoder} (ONNX Runtime's own
 * threads), {@link SparkEncoder} in {@code local[1]} and in {@code local[2]}, alternated round by
 * round so the ratios come from one run; and Spark's own cost per task (a job of many empty tasks).
 * Writes {@code docs/benchmarks-spark.md} and {@code .json}. Needs a quiet machine; run by the lead:
 *
 * <pre>
 * scripts/spark-local dev.retrievals.spark.bench.SparkEncodeBenchmark texts=4000 rounds=3 docs=docs
 * </pre>
 */
public final class SparkEncodeBenchmark {
    private static final StructType ID_TEXT = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);

    private SparkEncodeBenchmark() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> settings = new TreeMap<>(Map.of("texts", "4000", "rounds", "3", "docs", "docs", "empty_tasks", "200"));
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2 || !settings.containsKey(pair[0])) {
                throw new IllegalArgumentException("Unknown setting '" + arg + "'; expected key=value with a key of " + settings.keySet());
            }
            settings.put(pair[0], pair[1]);
        }
        int count = Integer.parseInt(settings.get("texts"));
        int rounds = Integer.parseInt(settings.get("rounds"));
        List<String> texts = Dataset.fromJsonl(SharedData.resolve("sts-b-en/train.jsonl")).stream()
                .flatMap(row -> java.util.stream.Stream.of((String) row.get("sentence1"), (String) row.get("sentence2"))).limit(count).toList();
        Path scratch = Files.createTempDirectory("retrievals-spark-bench-");
        Path model = BundledMiniLm.folder(scratch.resolve("minilm"));
        String started = Instant.now().toString();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        double[] single = new double[rounds];
        double[] local1 = new double[rounds];
        double[] local2 = new double[rounds];
        double taskMillis = 0;
        for (int round = 0; round < rounds; round++) {
            try (OnnxEncoder encoder = OnnxEncoder.builder(model).pooling("mean").maxLength(128).batchSize(32).build()) {
                encoder.encode(texts.subList(0, Math.min(64, texts.size())));
                long start = System.nanoTime();
                encoder.encode(texts);
                single[round] = texts.size() / seconds(start);
            }
            local1[round] = spark("local[1]", scratch, model, texts);
            local2[round] = spark("local[2]", scratch, model, texts);
            System.out.printf(Locale.ROOT, "round %d: single %.1f, local[1] %.1f, local[2] %.1f texts/s%n", round + 1, single[round],
                    local1[round], local2[round]);
        }
        SparkSession spark = session("local[2]", scratch);
        try {
            int tasks = Integer.parseInt(settings.get("empty_tasks"));
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            context.parallelize(List.of(0), 2).count(); // warm-up
            long start = System.nanoTime();
            context.parallelize(new ArrayList<>(java.util.Collections.nCopies(tasks, 0)), tasks).count();
            taskMillis = seconds(start) * 1000 * 2 / tasks; // two cores ran the tasks
        } finally {
            spark.stop();
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
        write(Path.of(settings.get("docs")), settings, texts.size(), single, local1, local2, taskMillis, started, loadBefore, loadAfter);
    }

    /** Texts per second of one SparkEncoder pass in a fresh session on {@code master} (after a warm-up that loads the model). */
    private static double spark(String master, Path scratch, Path model, List<String> texts) {
        SparkSession spark = session(master, scratch);
        try {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                rows.add(RowFactory.create(i, texts.get(i)));
            }
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int partitions = context.defaultParallelism() * 4;
            SparkEncoder encoder = SparkEncoder.builder(model.toString()).pooling("mean").maxLength(128).batchSize(32).build();
            encoder.encode(spark.createDataFrame(context.parallelize(rows.subList(0, 64), partitions), ID_TEXT)).count();
            long start = System.nanoTime();
            encoder.encode(spark.createDataFrame(context.parallelize(rows, partitions), ID_TEXT)).foreach(row -> { });
            return texts.size() / seconds(start);
        } finally {
            spark.stop();
        }
    }

    private static SparkSession session(String master, Path scratch) {
        return SparkSession.builder().master(master).appName("retrievals-spark-bench").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.local.dir", scratch.resolve("spark-local").toString()).getOrCreate();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String figure(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] ratio = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratio[i] = a[i] / b[i];
        }
        return ratio;
    }

    private static String ratioFigure(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static void write(Path docs, Map<String, String> settings, int texts, double[] single, double[] local1, double[] local2,
            double taskMillis, String started, String loadBefore, String loadAfter) throws IOException {
        Files.createDirectories(docs);
        String md = "## Encoding on Apache Spark (issue 22)\n\n"
                + "`SparkEncodeBenchmark` (retrievals-spark test sources), " + settings + ", started " + started + " on "
                + Runtime.getRuntime().availableProcessors() + " cores; load average before " + loadBefore + ", after " + loadAfter + ".\n\n"
                + "The bundled all-MiniLM-L6-v2 (ONNX, mean pooling, unit vectors, 128 tokens, batch 32) encodes the same " + texts
                + " English STS-B sentences three ways, alternated in each of " + single.length + " rounds: the single-machine"
                + " `OnnxEncoder` (ONNX Runtime's own threads, one per core), and `SparkEncoder` in a fresh `local[1]` and `local[2]`"
                + " session (4 partitions per core, one ONNX Runtime thread per task, the model loaded by a warm-up job"
                + " first). Figures are median (min–max) over rounds; ratios are taken within each round.\n\n"
                + "| path | texts/s | ÷ single machine |\n|---|---:|---:|\n"
                + "| `OnnxEncoder` | " + figure(single) + " | 1 |\n"
                + "| `SparkEncoder`, `local[1]` | " + figure(local1) + " | " + ratioFigure(ratio(local1, single)) + " |\n"
                + "| `SparkEncoder`, `local[2]` | " + figure(local2) + " | " + ratioFigure(ratio(local2, single)) + " |\n\n"
                + String.format(Locale.ROOT, "Spark's own cost per task (a job of %s empty tasks on `local[2]`, wall time x 2 cores / tasks):"
                        + " **%.1f ms** of a core.%n", settings.get("empty_tasks"), taskMillis);
        Files.writeString(docs.resolve("benchmarks-spark.md"), md);
        JsonObject json = new JsonObject();
        json.addProperty("started", started);
        json.addProperty("texts", texts);
        json.add("single_texts_per_s", array(single));
        json.add("local1_texts_per_s", array(local1));
        json.add("local2_texts_per_s", array(local2));
        json.add("local1_ratio", array(ratio(local1, single)));
        json.add("local2_ratio", array(ratio(local2, single)));
        json.addProperty("task_overhead_ms", taskMillis);
        json.addProperty("load_before", loadBefore);
        json.addProperty("load_after", loadAfter);
        Files.writeString(docs.resolve("benchmarks-spark.json"), new GsonBuilder().setPrettyPrinting().create().toJson(json));
        System.out.print(md);
    }

    private static JsonArray array(double[] values) {
        JsonArray array = new JsonArray();
        for (double value : values) {
            array.add(value);
        }
        return array;
    }
}
