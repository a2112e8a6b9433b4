package dev.retrievals.spark;

import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.testing.BundledMiniLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local Spark session for one test class (register it as a static {@code @RegisterExtension}
 * field): started before the class on the given master, stopped after it, writing only under its
 * own temporary folder, which also holds the bundled all-MiniLM-L6-v2 as an ONNX folder.
 */
final class LocalSpark implements BeforeAllCallback, AfterAllCallback {
    private static final StructType ID_TEXT = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    private final String master;
    private Path scratch;
    private SparkSession spark;

    /** A session on {@code master}, e.g. {@code local[2]}, or {@code local[2,2]} to retry a failed task once. */
    LocalSpark(String master) {
        this.master = master;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        scratch = Files.createTempDirectory("retrievals-spark-test-");
        spark = SparkSession.builder().master(master).appName(context.getDisplayName())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.local.dir", scratch.resolve("spark-local").toString())
                .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toUri().toString())
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            spark.stop();
        } finally {
            AtomicFolder.deleteQuietly(scratch);
        }
    }

    /** The session. */
    SparkSession spark() {
        return spark;
    }

    /** A path in this class's temporary folder (not created). */
    Path path(String name) {
        return scratch.resolve(name);
    }

    /** The bundled all-MiniLM-L6-v2 as an ONNX folder (mean pooling) under {@code name}. */
    Path miniLm(String name) {
        return BundledMiniLm.folder(scratch.resolve(name));
    }

    /** Rows (id, text) in {@code partitions} partitions, in this order. */
    org.apache.spark.sql.Dataset<Row> rows(List<String> texts, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), ID_TEXT);
    }

    /** The first {@code count} distinct sentences of STS-B's English training split (real texts of varied lengths). */
    static List<String> texts(int count) {
        return Dataset.fromJsonl(SharedData.resolve("sts-b-en/train.jsonl")).stream().map(row -> (String) row.get("sentence1"))
                .distinct().limit(count).toList();
    }

    /** Writes {@code lines} to a file in this class's temporary folder. */
    Path write(String name, List<String> lines) {
        try {
            return Files.write(scratch.resolve(name), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
