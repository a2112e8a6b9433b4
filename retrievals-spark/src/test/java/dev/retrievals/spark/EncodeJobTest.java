package dev.retrievals.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.onnx.OnnxEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EncodeJob} as {@code spark-submit} runs it (its options, in the session spark-submit made), JSONL and Parquet in and out. */
@Timeout(300)
class EncodeJobTest {
    @RegisterExtension
    static final LocalSpark LOCAL = new LocalSpark("local[2]");
    private static Path model;
    private static List<String> texts;
    private static Path corpus;

    @BeforeAll
    static void writeCorpus() {
        model = LOCAL.miniLm("minilm");
        texts = LocalSpark.texts(20);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            JsonObject row = new JsonObject();
            row.addProperty("id", "d" + i);
            row.addProperty("passage", texts.get(i));
            lines.add(row.toString());
        }
        corpus = LOCAL.write("corpus.jsonl", lines);
    }

    private static int run(StringWriter err, String... args) {
        return SparkJob.execute(new EncodeJob(), args, new PrintWriter(err));
    }

    @Test
    void jsonlInParquetOutThenParquetInJsonlOut() {
        String parquet = LOCAL.path("encoded.parquet").toString();
        StringWriter err = new StringWriter();
        assertThat(run(err, "--model", model.toString(), "--pooling", "mean", "--max-length", "64", "--input", corpus.toString(),
                "--field", "passage", "--output", parquet)).as(err.toString()).isZero();
        float[][] expected;
        try (OnnxEncoder single = OnnxEncoder.builder(model).pooling("mean").maxLength(64).build()) {
            expected = Vectors.units(single.encode(texts));
        }
        List<Row> rows = LOCAL.spark().read().parquet(parquet).collectAsList();
        assertThat(rows).hasSize(texts.size());
        for (Row row : rows) {
            int i = Integer.parseInt(row.<String>getAs("id").substring(1));
            assertThat(row.<String>getAs("passage")).isEqualTo(texts.get(i));
            List<Float> vector = row.getList(row.fieldIndex("embedding"));
            for (int d = 0; d < expected[i].length; d += 37) {
                assertThat(vector.get(d)).isCloseTo(expected[i][d], Offset.offset(2e-6f));
            }
        }

        String jsonl = LOCAL.path("again.jsonl").toString();
        assertThat(run(err, "--model", model.toString(), "--pooling", "mean", "--max-length", "64", "--input", parquet, "--field", "passage",
                "--output", jsonl, "--output-column", "raw", "--no-normalize", "--batch-size", "4")).as(err.toString()).isZero();
        Row first = LOCAL.spark().read().json(jsonl).where("id = 'd0'").first();
        List<Double> raw = first.getList(first.fieldIndex("raw"));
        double squared = raw.stream().mapToDouble(value -> value * value).sum();
        assertThat(raw.get(0)).isCloseTo(expected[0][0] * Math.sqrt(squared), Offset.offset(1e-5));
    }

    @Test
    void badInputIsOneLineWithExitCodeTwo() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--model", model.toString(), "--pooling", "mean", "--input", corpus.toString(), "--output",
                LOCAL.path("x.parquet").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("EncodeJob: Input has no column 'text' (columns: id, passage); choose the text column with"
                + " --field" + System.lineSeparator());

        StringWriter unknown = new StringWriter();
        assertThat(run(unknown, "--model", model.toString(), "--input", corpus.toString(), "--output", "out.csv")).isEqualTo(2);
        assertThat(unknown.toString()).isEqualTo("EncodeJob: Cannot tell the format of out.csv from its name; name it .parquet or .jsonl,"
                + " or set --output-format" + System.lineSeparator());

        StringWriter gpu = new StringWriter(); // this machine has no GPU build of ONNX Runtime: the executors say so in one line
        assertThat(run(gpu, "--model", model.toString(), "--pooling", "mean", "--device", "gpu", "--input", corpus.toString(), "--field",
                "passage", "--output", LOCAL.path("gpu.parquet").toString())).isEqualTo(2);
        assertThat(gpu.toString()).startsWith("EncodeJob: Device 'gpu:0' needs ONNX Runtime's GPU build").doesNotContain("\tat ")
                .hasLineCount(1);
        assertThat(LOCAL.path("gpu.parquet")).doesNotExist();

        StringWriter missing = new StringWriter();
        assertThat(run(missing, "--input", corpus.toString(), "--output", "out.parquet")).isEqualTo(2);
        assertThat(missing.toString()).startsWith("EncodeJob: Missing required option: '--model=PATH'");
    }
}
