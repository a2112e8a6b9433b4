package dev.retrievals.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.onnx.OnnxEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(300)
class SparkEncoderTest {
    @RegisterExtension
    static final LocalSpark LOCAL = new LocalSpark("local[2]");
    private static Path model;

    @BeforeAll
    static void copyModel() {
        model = LOCAL.miniLm("minilm");
    }

    @Test
    void vectorsAndOrderAreThoseOfTheSingleMachineEncoder() {
        List<String> texts = LocalSpark.texts(48);
        int loadsBefore = ExecutorEncoders.loads();
        List<Row> encoded = SparkEncoder.builder(model.toString()).pooling("mean").maxLength(128).batchSize(8).chunkRows(7)
                .build().encode(LOCAL.rows(texts, 3)).collectAsList();
        float[][] expected;
        try (OnnxEncoder single = OnnxEncoder.builder(model).pooling("mean").maxLength(128).batchSize(8).build()) {
            expected = single.encode(texts);
        }
        assertThat(encoded).extracting(row -> row.getInt(0)).containsExactlyElementsOf(IntStream.range(0, texts.size()).boxed().toList());
        assertThat(encoded).extracting(row -> row.getString(1)).containsExactlyElementsOf(texts);
        for (int i = 0; i < texts.size(); i++) {
            List<Float> vector = encoded.get(i).getList(2);
            float[] unit = Vectors.unit(expected[i]);
            assertThat(vector).hasSize(unit.length);
            double squared = 0;
            for (int d = 0; d < unit.length; d++) {
                assertThat((double) vector.get(d)).as("row %d, dimension %d", i, d).isCloseTo(unit[d], offset(2e-6));
                squared += (double) vector.get(d) * vector.get(d);
            }
            assertThat(squared).isCloseTo(1.0, offset(1e-5));
        }
        // three partitions in two concurrent tasks, one model load in this (driver = executor) JVM
        assertThat(ExecutorEncoders.loads() - loadsBefore).isEqualTo(1);
    }

    @Test
    void aShippedModelFolderIsFoundByItsName() {
        List<String> texts = LocalSpark.texts(6);
        Path shippable = LOCAL.miniLm("shipped-minilm");
        SparkEncoder encoder = SparkEncoder.builder(shippable.toString()).pooling("mean").maxLength(64).ship(LOCAL.spark()).build();
        assertThat(encoder.settings().model()).isEqualTo("shipped-minilm");
        List<Row> encoded = encoder.encode(LOCAL.rows(texts, 2)).collectAsList();
        float[][] expected;
        try (OnnxEncoder single = OnnxEncoder.builder(model).pooling("mean").maxLength(64).build()) {
            expected = Vectors.units(single.encode(texts));
        }
        for (int i = 0; i < texts.size(); i++) {
            List<Float> vector = encoded.get(i).getList(2);
            assertThat(vector.get(0)).isCloseTo(expected[i][0], offset(2e-6f));
        }
    }

    @Test
    void modelFilesShippedOneByOneAreFoundBesideEachOther() throws IOException {
        // as spark-submit --files model.onnx,tokenizer.json ships them: by name, into SparkFiles' folder
        Path files = LOCAL.miniLm("files-minilm");
        Files.move(files.resolve("model.onnx"), files.resolve("shipped-model.onnx"));
        Files.move(files.resolve("tokenizer.json"), files.resolve("tokenizer.json.kept"));
        LOCAL.spark().sparkContext().addFile(files.resolve("shipped-model.onnx").toString());
        Path tokenizer = Files.copy(files.resolve("tokenizer.json.kept"), LOCAL.path("tokenizer.json"));
        LOCAL.spark().sparkContext().addFile(tokenizer.toString());
        List<String> texts = LocalSpark.texts(4);
        List<Row> encoded = SparkEncoder.builder("shipped-model.onnx").pooling("mean").maxLength(64).build().encode(LOCAL.rows(texts, 2))
                .collectAsList();
        float[][] expected;
        try (OnnxEncoder single = OnnxEncoder.builder(model).pooling("mean").maxLength(64).build()) {
            expected = Vectors.units(single.encode(texts));
        }
        for (int i = 0; i < texts.size(); i++) {
            assertThat(encoded.get(i).<Float>getList(2).get(5)).isCloseTo(expected[i][5], offset(2e-6f));
        }
        assertThatThrownBy(() -> ModelLocation.resolve("never-shipped.onnx")).isInstanceOf(RetrievalsException.class)
                .hasMessageStartingWith("Model 'never-shipped.onnx' is neither a path on this executor nor a file shipped with --files");
    }

    @Test
    void aMissingOrNonTextColumnIsOneClearError() {
        Dataset<Row> input = LOCAL.rows(List.of("a", "b"), 1);
        assertThatThrownBy(() -> SparkEncoder.builder(model.toString()).pooling("mean").textColumn("passage").build().encode(input))
                .isInstanceOf(RetrievalsException.class)
                .hasMessage("Input has no column 'passage' (columns: id, text); choose the text column with --field");
        assertThatThrownBy(() -> SparkEncoder.builder(model.toString()).pooling("mean").textColumn("id").build().encode(input))
                .isInstanceOf(RetrievalsException.class).hasMessage("Column 'id' is int; expected a string column of texts");
    }

    @Test
    void aNullTextFailsTheJobNamingColumnRowAndPartition() {
        List<String> texts = new ArrayList<>(LocalSpark.texts(5));
        texts.set(3, null);
        Dataset<Row> encoded = SparkEncoder.builder(model.toString()).pooling("mean").build().encode(LOCAL.rows(texts, 1));
        assertThatThrownBy(encoded::collectAsList).satisfies(error -> assertThat(SparkErrors.oneLine(error))
                .isEqualTo("Column 'text' is null in row 3 of partition 0; expected a text in every row (filter or fill the nulls first)"));
    }

    @Test
    void threadsPerTaskDivideTheExecutorsCoresAmongItsTasks() {
        assertThat(ThreadBudget.threadsPerTask(8, 1)).isEqualTo(1);
        assertThat(ThreadBudget.threadsPerTask(8, 2)).isEqualTo(2);
        assertThat(ThreadBudget.threadsPerTask(8, 3)).isEqualTo(4); // 2 tasks at once (8 / 3), 4 cores each
        assertThat(ThreadBudget.threadsPerTask(2, 4)).isEqualTo(2); // one task takes the whole executor
        assertThat(ThreadBudget.executorCores(new SparkConf().setMaster("local[3, 2]"), 16)).isEqualTo(3);
        assertThat(ThreadBudget.executorCores(new SparkConf().setMaster("local[*]"), 16)).isEqualTo(16);
        assertThat(ThreadBudget.executorCores(new SparkConf().setMaster("yarn").set("spark.executor.cores", "5"), 16))
                .isEqualTo(5);
        assertThat(SparkEncoder.builder(model.toString()).build().settings().threadsPerTask()).isEqualTo(1); // local[2]: 2 tasks, 2 cores
    }
}
