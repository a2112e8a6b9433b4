package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 export of a tiny random BERT: the graph and its metadata, the accuracy gate passing a
 * correct quantization and refusing a deliberately broken one (no model.onnx left behind), and
 * {@code force} writing it anyway with a report that says it failed.
 */
class Int8ExportTest {
    @TempDir
    Path scratch;

    private AutoModelForEmbedding tinyBert() throws Exception {
        return TestModels.load(TestModels.tinyFolder(scratch.resolve("bert"), TestModels.tinyBertConfig(), 1), "mean", true);
    }

    /** Puts each column's scale on the next column: the values stand for other weights. */
    private static final UnaryOperator<Int8Weights> SHIFTED_SCALES = q -> {
        float[] scales = new float[q.columns()];
        for (int column = 0; column < scales.length; column++) {
            scales[column] = q.scales()[(column + 1) % scales.length] * (column % 2 == 0 ? -1 : 1);
        }
        return new Int8Weights(q.rows(), q.columns(), q.values(), scales, q.limit());
    };

    /** Every activation per row (the mixed default's plan depends on the model; its test is {@link MatMulPlanSearchTest}). */
    private static final ExportOptions PER_ROW = ExportOptions.int8()
            .withQuantization(Int8Quantization.defaults().withOp(QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW));

    @Test
    void int8ExportPassesTheGateAndRecordsWhatWasQuantized() throws Exception {
        try (AutoModelForEmbedding model = tinyBert()) {
            Path folder = scratch.resolve("int8");
            ExportReport report = OnnxExporter.export(model, folder, PER_ROW);
            assertThat(report.passed()).isTrue();
            assertThat(report.precision()).isEqualTo(ExportPrecision.INT8);
            assertThat(report.requiredMinCosine()).isEqualTo(0.99);

            // the cosines, computed here from the PyTorch model and ONNX Runtime on the written file
            float[][] expected = model.encode(ExportOptions.DEFAULT_SAMPLE_TEXTS);
            float[] actual = OrtReference.run(report.onnxFile(), model.tokenizer().tokenize(ExportOptions.DEFAULT_SAMPLE_TEXTS))
                    .get(OnnxEncoder.SENTENCE_EMBEDDING);
            double smallest = 1;
            for (int row = 0; row < expected.length; row++) {
                float[] onnxRow = java.util.Arrays.copyOfRange(actual, row * expected[row].length, (row + 1) * expected[row].length);
                smallest = Math.min(smallest, PlainVectors.cosine(onnxRow, expected[row]));
            }
            assertThat(smallest).isGreaterThanOrEqualTo(0.99).isCloseTo(report.minCosine(), org.assertj.core.data.Offset.offset(1e-5));

            OnnxModel written = OnnxModel.read(report.onnxFile());
            // 2 layers x (query, key, value, attention output, intermediate, output) linear layers, reading 2 x 4 activations
            assertThat(written.graph().nodesOfType("MatMulInteger")).hasSize(12);
            assertThat(written.graph().nodesOfType("ReduceMax")).as("per-row activation ranges, one per activation read").hasSize(8);
            assertThat(written.graph().nodesOfType("DynamicQuantizeLinear")).isEmpty();
            assertThat(written.metadataProps()).containsEntry(OnnxExporter.META_WEIGHTS, "int8")
                    .containsEntry(Int8MatMulQuantizer.META_QUANTIZED_MATMULS, "12")
                    .containsEntry(Int8MatMulQuantizer.META_WEIGHT_BITS, "8");
            // the word-embedding table: int8 with one scale per token; each row within half a step of the float table
            float[] table = OnnxExporter.toOnnx(model, ExportPrecision.FP32).graph().initializer("embeddings.word_embeddings.weight")
                    .orElseThrow().toFloatArray();
            dev.retrievals.core.onnx.OnnxTensor quantizedTable = written.graph().initializer("embeddings.word_embeddings.weight_quantized")
                    .orElseThrow();
            assertThat(quantizedTable.dataType()).isEqualTo(dev.retrievals.core.onnx.OnnxDataType.INT8);
            assertThat(written.graph().initializer("embeddings.word_embeddings.weight")).isEmpty();
            byte[] values = new byte[(int) quantizedTable.elementCount()];
            quantizedTable.data().get(values);
            float[] rowScales = written.graph().initializer("embeddings.word_embeddings.weight_row_scale").orElseThrow().toFloatArray();
            int width = 16;
            assertThat(rowScales).hasSize(table.length / width);
            for (int row = 0; row < rowScales.length; row += 997) {
                double absMax = 0;
                for (int i = 0; i < width; i++) {
                    absMax = Math.max(absMax, Math.abs(table[row * width + i]));
                }
                assertThat((double) rowScales[row]).isCloseTo(absMax / 127, org.assertj.core.data.Percentage.withPercentage(1e-4));
                for (int i = 0; i < width; i++) {
                    assertThat(Math.abs(values[row * width + i] * (double) rowScales[row] - table[row * width + i]))
                            .as("token %d, component %d", row, i).isLessThanOrEqualTo(absMax / 127 / 2 * (1 + 1e-4));
                }
            }
            assertThat(written.metadataProps()).containsEntry(Int8EmbeddingQuantizer.META_EMBEDDINGS, "int8 per row");
            String saved = Files.readString(folder.resolve(ExportReport.FILE_NAME));
            assertThat(saved).contains("\"precision\": \"int8\"").contains("\"passed\": true").contains("MatMulInteger");
        }
    }

    @Test
    void theGateRefusesABrokenQuantizationAndForceWritesItWithAWarning() throws Exception {
        try (AutoModelForEmbedding model = tinyBert()) {
            Path folder = scratch.resolve("broken");
            assertThatThrownBy(() -> OnnxExporter.export(model, folder, PER_ROW, SHIFTED_SCALES))
                    .isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("min cosine 0.99")
                    .hasMessageContaining("no model.onnx was written");
            assertThat(folder.resolve("model.onnx")).doesNotExist();
            assertThat(folder.resolve(ExportReport.FILE_NAME)).doesNotExist();
            assertThat(folder.toFile().list()).noneMatch(name -> name.contains("model.onnx"));

            ExportReport forced = OnnxExporter.export(model, folder, PER_ROW.withForce(true), SHIFTED_SCALES);
            assertThat(forced.passed()).isFalse();
            assertThat(forced.minCosine()).isLessThan(0.99);
            assertThat(forced.onnxFile()).isRegularFile();
            assertThat(forced.toString()).contains("BELOW THE BOUNDS");
            assertThat(Files.readString(folder.resolve(ExportReport.FILE_NAME))).contains("\"passed\": false");

            // the mixed default routes around broken int8 weights: every MatMul ends float32, and the gate holds
            ExportReport mixed = OnnxExporter.export(model, scratch.resolve("broken-mixed"), ExportOptions.int8(), SHIFTED_SCALES);
            assertThat(mixed.passed()).isTrue();
            assertThat(mixed.planSearch().plan().forms().values()).containsOnly(MatMulForm.FLOAT32);
            assertThat(OnnxModel.read(mixed.onnxFile()).graph().nodesOfType("MatMulInteger")).isEmpty();
        }
    }
}
