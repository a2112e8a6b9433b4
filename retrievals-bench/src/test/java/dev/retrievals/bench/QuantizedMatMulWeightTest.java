package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import dev.retrievals.onnx.Int8MatMulQuantizer;
import dev.retrievals.onnx.Int8Quantization;
import dev.retrievals.onnx.QuantizedMatMulOp;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizedMatMulWeightTest {
    private static final int IN = 6;
    private static final int OUT = 4;

    @Test
    void findsTheScalesOfEachFormOurQuantizerWrites() {
        float[] weight = new float[IN * OUT];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextDouble(-1, 1);
        }
        float[] expectedScales = new float[OUT];
        for (int i = 0; i < weight.length; i++) {
            expectedScales[i % OUT] = Math.max(expectedScales[i % OUT], Math.abs(weight[i]) / 127);
        }
        OnnxGraph linear = new OnnxGraph("linear", List.of(OnnxNode.of("matmul", "MatMul", List.of("x", "w"), List.of("y"))),
                List.of(OnnxTensor.ofFloats("w", new long[] {IN, OUT}, weight)), List.of(input()), List.of(output()));
        for (QuantizedMatMulOp op : List.of(QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW, QuantizedMatMulOp.MATMUL_INTEGER,
                QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL)) {
            OnnxGraph quantized = Int8MatMulQuantizer.quantize(OnnxModel.of(linear, 8, 17, "test"),
                    Int8Quantization.defaults().withOp(op).withEmbeddings(false)).graph();

            List<QuantizedMatMulWeight> found = QuantizedMatMulWeight.of(quantized);

            assertThat(found).as(op.name()).hasSize(1);
            QuantizedMatMulWeight w = found.get(0);
            assertThat(w.floatName()).isEqualTo("w");
            assertThat(w.rows()).isEqualTo(IN);
            assertThat(w.columns()).isEqualTo(OUT);
            assertThat(quantized.initializer(w.values()).orElseThrow().dataType()).isEqualTo(OnnxDataType.INT8);
            assertThat(quantized.initializer(w.scales()).orElseThrow().toFloatArray()).as(op.name()).containsExactly(expectedScales);
        }
    }

    @Test
    void followsOnnxRuntimesQuantizeDynamicFormThroughTheProductOfTheScales() {
        OnnxGraph graph = quantizeDynamicForm(new byte[OUT]);

        List<QuantizedMatMulWeight> found = QuantizedMatMulWeight.of(graph);

        assertThat(found).containsExactly(new QuantizedMatMulWeight("onnx::MatMul_7_quantized", "onnx::MatMul_7_scale", IN, OUT));
        assertThat(found.get(0).floatName()).isEqualTo("onnx::MatMul_7");
    }

    @Test
    void refusesAWeightWithAZeroPointOtherThanZero() {
        assertThatThrownBy(() -> QuantizedMatMulWeight.of(quantizeDynamicForm(new byte[] {0, 3, 0, 0})))
                .hasMessageContaining("node integer").hasMessageContaining("onnx::MatMul_7_zero_point")
                .hasMessageContaining("only symmetric weights");
    }

    @Test
    void saysWhichNodeHasNoScaleToFind() {
        OnnxGraph graph = quantizeDynamicForm(new byte[OUT]);
        OnnxGraph withoutMul = new OnnxGraph(graph.name(), graph.nodes().stream().filter(node -> !node.opType().equals("Mul")).toList(),
                graph.initializers(), graph.inputs(), graph.outputs());

        assertThatThrownBy(() -> QuantizedMatMulWeight.of(withoutMul)).hasMessageContaining("node integer")
                .hasMessageContaining("no float initializer [4] of per-column scales for weight 'onnx::MatMul_7_quantized'");
    }

    /**
     * The form ONNX Runtime's {@code quantize_dynamic} writes: {@code Mul(Cast(MatMulInteger(xq, Wq, xzp, Wzp)), Mul(xs, W_scale))},
     * with a bias {@code [out]} added after it as a float initializer of the right size that is not a scale.
     */
    private static OnnxGraph quantizeDynamicForm(byte[] zeroPoint) {
        List<OnnxNode> nodes = List.of(
                OnnxNode.of("quantize", "DynamicQuantizeLinear", List.of("x"), List.of("xq", "xs", "xzp")),
                OnnxNode.of("integer", "MatMulInteger", List.of("xq", "onnx::MatMul_7_quantized", "xzp", "onnx::MatMul_7_zero_point"),
                        List.of("product")),
                OnnxNode.of("cast", "Cast", List.of("product"), List.of("product_float"), OnnxAttribute.ofInt("to", 1)),
                OnnxNode.of("scales_mul", "Mul", List.of("xs", "onnx::MatMul_7_scale"), List.of("scales")),
                OnnxNode.of("output_scale_mul", "Mul", List.of("product_float", "scales"), List.of("unbiased")),
                OnnxNode.of("bias", "Add", List.of("unbiased", "b"), List.of("y")));
        List<OnnxTensor> initializers = List.of(
                OnnxTensor.of("onnx::MatMul_7_quantized", OnnxDataType.INT8, new long[] {IN, OUT}, ByteBuffer.wrap(new byte[IN * OUT])),
                OnnxTensor.of("onnx::MatMul_7_zero_point", OnnxDataType.INT8, new long[] {OUT}, ByteBuffer.wrap(zeroPoint)),
                OnnxTensor.ofFloats("onnx::MatMul_7_scale", new long[] {OUT}, 0.1f, 0.2f, 0.3f, 0.4f),
                OnnxTensor.ofFloats("b", new long[] {OUT}, 1, 2, 3, 4));
        return new OnnxGraph("dynamic", nodes, initializers, List.of(input()), List.of(output()));
    }

    private static OnnxValueInfo input() {
        return OnnxValueInfo.tensor("x", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"), OnnxDimension.fixed(IN));
    }

    private static OnnxValueInfo output() {
        return OnnxValueInfo.tensor("y", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"), OnnxDimension.fixed(OUT));
    }
}
