package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxValueInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * Two linear layers on one input ({@code x · W + b} and {@code x · V}, x {@code [2, 5, 24]}, W and V
 * {@code [24, 10]}, as query and key read one activation) and an activation × activation MatMul, quantized in each form and range, run in ONNX Runtime: the linear output
 * matches double-precision float math within the bound of the two quantization errors, computed
 * here from the scales (activations: uint8 per tensor, {@code (max(x, 0) - min(x, 0)) / 255}, or int8 per row,
 * {@code max |x_row| / 127}; weights: {@code max |w[:, j]| / limit} per column); the activation product is left exactly as it was, and
 * the shared input is quantized once.
 */
class Int8MatMulQuantizerTest {
    private static final int BATCH = 2;
    private static final int SEQUENCE = 5;
    private static final int IN = 24;
    private static final int OUT = 10;

    @TempDir
    Path scratch;

    static Stream<Arguments> forms() {
        return Stream.of(QuantizedMatMulOp.values()).filter(op -> op != QuantizedMatMulOp.MIXED).flatMap(op -> Stream.of(Arguments.of(op, false), Arguments.of(op, true)));
    }

    @ParameterizedTest(name = "{0} reduceRange={1}")
    @MethodSource("forms")
    void quantizedLinearMatchesFloatMathWithinTheQuantizationBound(QuantizedMatMulOp op, boolean reduceRange) throws Exception {
        Random random = new Random(42);
        float[] weight = gaussian(random, IN * OUT, 0.3);
        float[] bias = gaussian(random, OUT, 0.1);
        float[] second = gaussian(random, IN * OUT, 0.05);
        float[] x = gaussian(random, BATCH * SEQUENCE * IN, 1.0);
        x[3] = 4.5f; // an outlier widens the activation range, as in real models

        boolean perRow = op == QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW;
        OnnxModel quantized = Int8MatMulQuantizer.quantize(linearModel(weight, bias, second), new Int8Quantization(reduceRange, op, false));
        assertThat(quantized.graph().initializer("w")).isEmpty();
        assertThat(quantized.graph().initializer("w_quantized").orElseThrow().dataType()).isEqualTo(OnnxDataType.INT8);
        assertThat(quantized.graph().nodesOfType("MatMul")).hasSize(1); // the activation product stays float
        assertThat(quantized.graph().nodesOfType(op == QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL ? "DynamicQuantizeMatMul" : "MatMulInteger"))
                .hasSize(2);
        assertThat(quantized.graph().nodesOfType("DynamicQuantizeLinear")).hasSize(op == QuantizedMatMulOp.MATMUL_INTEGER ? 1 : 0);
        assertThat(quantized.graph().nodesOfType("ReduceMax")).as("one per-row quantization of the shared input")
                .hasSize(perRow ? 1 : 0);
        assertThat(quantized.metadataProps()).containsEntry(Int8MatMulQuantizer.META_QUANTIZED_MATMULS, "2")
                .containsEntry(Int8MatMulQuantizer.META_WEIGHT_BITS, reduceRange ? "7" : "8");
        Path file = scratch.resolve("quantized.onnx");
        quantized.write(file);

        Map<String, float[]> outputs = run(file, x);
        float[] gram = outputs.get("gram");
        int limit = reduceRange ? 64 : 127;
        double[] xScales = activationScales(x, perRow);
        assertWithinQuantizationBound(x, xScales, weight, bias, outputs.get("y"), limit);
        assertWithinQuantizationBound(x, xScales, second, new float[OUT], outputs.get("z"), limit);
        if (perRow) {
            assertEqualsRoundedMath(x, xScales, second, outputs.get("z"), limit);
        }
        for (int b = 0; b < BATCH; b++) {
            for (int i = 0; i < SEQUENCE; i++) {
                for (int j = 0; j < SEQUENCE; j++) {
                    double dot = 0;
                    for (int k = 0; k < IN; k++) {
                        dot += (double) x[(b * SEQUENCE + i) * IN + k] * x[(b * SEQUENCE + j) * IN + k];
                    }
                    assertThat((double) gram[(b * SEQUENCE + i) * SEQUENCE + j]).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    /**
     * A plan that mixes the forms on one shared input: {@code w} per tensor and {@code v} per row (the input is quantized
     * both ways), then {@code w} float32 (exact float math) and {@code v} per tensor; each output within its own form's bound.
     */
    @ParameterizedTest(name = "y {0}, z {1}")
    @org.junit.jupiter.params.provider.CsvSource({"PER_TENSOR, PER_ROW", "FLOAT32, PER_TENSOR"})
    void mixedPlanQuantizesEachMatMulInItsOwnForm(MatMulForm yForm, MatMulForm zForm) throws Exception {
        Random random = new Random(7);
        float[] weight = gaussian(random, IN * OUT, 0.3);
        float[] bias = gaussian(random, OUT, 0.1);
        float[] second = gaussian(random, IN * OUT, 0.05);
        float[] x = gaussian(random, BATCH * SEQUENCE * IN, 1.0);
        x[3] = 4.5f;
        MatMulPlan plan = new MatMulPlan(new java.util.LinkedHashMap<>(Map.of("w", yForm, "v", zForm)));
        OnnxModel quantized = Int8MatMulQuantizer.quantize(linearModel(weight, bias, second),
                new Int8Quantization(false, QuantizedMatMulOp.MIXED, false), plan);
        assertThat(quantized.metadataProps()).containsEntry(MatMulPlan.META_PLAN, plan.toMetadata())
                .containsEntry(Int8MatMulQuantizer.META_QUANTIZED_MATMULS, yForm == MatMulForm.FLOAT32 ? "1" : "2");
        assertThat(quantized.graph().nodesOfType("DynamicQuantizeLinear")).hasSize(1);
        assertThat(quantized.graph().nodesOfType("ReduceMax")).hasSize(zForm == MatMulForm.PER_ROW ? 1 : 0);
        Path file = scratch.resolve("mixed.onnx");
        quantized.write(file);
        Map<String, float[]> outputs = run(file, x);
        if (yForm == MatMulForm.FLOAT32) {
            assertThat(quantized.graph().initializer("w")).isPresent();
            float[] y = outputs.get("y");
            for (int row = 0; row < BATCH * SEQUENCE; row++) {
                for (int column = 0; column < OUT; column++) {
                    double exact = bias[column];
                    for (int k = 0; k < IN; k++) {
                        exact += (double) x[row * IN + k] * weight[k * OUT + column];
                    }
                    assertThat((double) y[row * OUT + column]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        } else {
            assertWithinQuantizationBound(x, activationScales(x, yForm == MatMulForm.PER_ROW), weight, bias, outputs.get("y"), 127);
        }
        double[] zScales = activationScales(x, zForm == MatMulForm.PER_ROW);
        assertWithinQuantizationBound(x, zScales, second, new float[OUT], outputs.get("z"), 127);
        if (zForm == MatMulForm.PER_ROW) {
            assertEqualsRoundedMath(x, zScales, second, outputs.get("z"), 127);
        }
    }

    /**
     * The activation step of each row: per row, int8 symmetric, {@code max |x_row| / 127}; per tensor, uint8 over the
     * range widened to include zero, {@code (max(x, 0) - min(x, 0)) / 255}, the same for every row.
     */
    private static double[] activationScales(float[] x, boolean perRow) {
        double[] scales = new double[BATCH * SEQUENCE];
        double xMax = 0;
        double xMin = 0;
        for (float value : x) {
            xMax = Math.max(xMax, value);
            xMin = Math.min(xMin, value);
        }
        for (int row = 0; row < scales.length; row++) {
            double absMax = 0;
            for (int k = 0; k < IN; k++) {
                absMax = Math.max(absMax, Math.abs(x[row * IN + k]));
            }
            scales[row] = perRow ? absMax / 127 : (xMax - xMin) / 255;
        }
        return scales;
    }

    /** Each {@code y = x · w + bias} element within the weight and activation rounding bound of float math. */
    private static void assertWithinQuantizationBound(float[] x, double[] xScales, float[] weight, float[] bias, float[] y, int limit) {
        double largestError = 0;
        for (int row = 0; row < BATCH * SEQUENCE; row++) {
            double xScale = xScales[row];
            for (int column = 0; column < OUT; column++) {
                double wScale = 0;
                for (int k = 0; k < IN; k++) {
                    wScale = Math.max(wScale, Math.abs(weight[k * OUT + column]) / limit);
                }
                double exact = bias[column];
                double bound = 0;
                double magnitude = 0;
                for (int k = 0; k < IN; k++) {
                    double xv = x[row * IN + k];
                    double wv = weight[k * OUT + column];
                    exact += xv * wv;
                    bound += xScale / 2 * Math.abs(wv) + Math.abs(xv) * wScale / 2 + xScale * wScale / 4;
                    magnitude += Math.abs(xv * wv);
                }
                double error = Math.abs(y[row * OUT + column] - exact);
                assertThat(error).as("y[%d][%d]", row, column).isLessThanOrEqualTo(bound + 1e-5 * magnitude);
                largestError = Math.max(largestError, error);
            }
        }
        assertThat(largestError).as("the weights really are quantized").isGreaterThan(1e-6);
    }

    /**
     * Per row, the output is exactly the product of the rounded operands: {@code round_half_even(x / row_scale) * row_scale}
     * times {@code round_half_even(w / column_scale) * column_scale}, summed in double (float32 noise aside).
     */
    private static void assertEqualsRoundedMath(float[] x, double[] xScales, float[] weight, float[] z, int limit) {
        for (int column = 0; column < OUT; column++) {
            double wScale = 0;
            for (int k = 0; k < IN; k++) {
                wScale = Math.max(wScale, Math.abs(weight[k * OUT + column]) / limit);
            }
            for (int row = 0; row < BATCH * SEQUENCE; row++) {
                double expected = 0;
                double magnitude = 0;
                for (int k = 0; k < IN; k++) {
                    double xq = Math.rint(x[row * IN + k] / xScales[row]) * xScales[row];
                    double wq = Math.rint(weight[k * OUT + column] / wScale) * wScale;
                    expected += xq * wq;
                    magnitude += Math.abs(xq * wq);
                }
                assertThat((double) z[row * OUT + column]).as("z[%d][%d]", row, column)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-7));
            }
        }
    }

    /** {@code y = x · w + b}, {@code z = x · v} and {@code gram = x · xᵀ}, x {@code [batch, sequence, IN]}. */
    private static OnnxModel linearModel(float[] weight, float[] bias, float[] v) {
        OnnxGraph.Builder graph = OnnxGraph.builder("linear");
        OnnxDimension batch = OnnxDimension.dynamic("batch");
        OnnxDimension sequence = OnnxDimension.dynamic("sequence");
        graph.input(OnnxValueInfo.tensor("x", OnnxDataType.FLOAT, batch, sequence, OnnxDimension.fixed(IN)));
        graph.initializer(dev.retrievals.core.onnx.OnnxTensor.ofFloats("w", new long[] {IN, OUT}, weight));
        graph.initializer(dev.retrievals.core.onnx.OnnxTensor.ofFloats("b", new long[] {OUT}, bias));
        String product = graph.node("MatMul", List.of("x", "w"));
        graph.node(OnnxNode.of("add", "Add", List.of(product, "b"), List.of("y")));
        graph.initializer(dev.retrievals.core.onnx.OnnxTensor.ofFloats("v", new long[] {IN, OUT}, v));
        graph.node(OnnxNode.of("second", "MatMul", List.of("x", "v"), List.of("z")));
        String transposed = graph.node("Transpose", List.of("x"), OnnxAttribute.ofInts("perm", 0, 2, 1));
        graph.node(OnnxNode.of("gram", "MatMul", List.of("x", transposed), List.of("gram")));
        graph.output(OnnxValueInfo.tensor("y", OnnxDataType.FLOAT, batch, sequence, OnnxDimension.fixed(OUT)));
        graph.output(OnnxValueInfo.tensor("z", OnnxDataType.FLOAT, batch, sequence, OnnxDimension.fixed(OUT)));
        graph.output(OnnxValueInfo.tensor("gram", OnnxDataType.FLOAT, batch, sequence, sequence));
        return OnnxModel.of(graph.build(), OnnxExporter.IR_VERSION, OnnxExporter.OPSET, "test");
    }

    private static Map<String, float[]> run(Path file, float[] x) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(x), new long[] {BATCH, SEQUENCE, IN});
                OrtSession.Result result = session.run(Map.of("x", input))) {
            return Map.of("y", ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().array(),
                    "z", ((OnnxTensor) result.get("z").orElseThrow()).getFloatBuffer().array(),
                    "gram", ((OnnxTensor) result.get("gram").orElseThrow()).getFloatBuffer().array());
        }
    }

    private static float[] gaussian(Random random, int size, double deviation) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextGaussian() * deviation);
        }
        return values;
    }
}
