package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A uint8 table of ONNX Runtime's {@code quantize_dynamic} form, found in the graph and quantized again by hand-computed rules. */
class Uint8TableJitterTest {
    private static final float[] TABLE = {0.10f, -0.25f, 0.0f, 0.3175f, -0.3175f, 0.05f};
    private static final float SCALE = 0.3175f / 127; // 2 max|w| / 254: the largest |w| lands on 127 steps from 128

    /** {@code DequantizeLinear(Gather(t_quantized, ids), scale, zero point 128)} over TABLE [3, 2]. */
    private static OnnxGraph quantizedGraph() {
        byte[] stored = new byte[TABLE.length];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (byte) (Math.rint(TABLE[i] / SCALE) + 128);
        }
        List<OnnxNode> nodes = List.of(OnnxNode.of("gather", "Gather", List.of("t_quantized", "ids"), List.of("rows")),
                OnnxNode.of("dequantize", "DequantizeLinear", List.of("rows", "t_scale", "t_zero_point"), List.of("y")));
        List<OnnxTensor> initializers = List.of(OnnxTensor.of("t_quantized", OnnxDataType.UINT8, new long[] {3, 2}, ByteBuffer.wrap(stored)),
                OnnxTensor.ofFloats("t_scale", new long[0], SCALE),
                OnnxTensor.of("t_zero_point", OnnxDataType.UINT8, new long[0], ByteBuffer.wrap(new byte[] {(byte) 128})));
        return new OnnxGraph("table", nodes, initializers,
                List.of(OnnxValueInfo.tensor("ids", OnnxDataType.INT64, OnnxDimension.dynamic("n"))),
                List.of(OnnxValueInfo.tensor("y", OnnxDataType.FLOAT, OnnxDimension.dynamic("n"), OnnxDimension.fixed(2))));
    }

    private static OnnxGraph floatGraph() {
        return new OnnxGraph("floats", List.of(), List.of(OnnxTensor.ofFloats("t", new long[] {3, 2}, TABLE)), List.of(), List.of());
    }

    @Test
    void findsTheTableAndGivesItBackWithoutGrowth() {
        List<Uint8TableJitter> tables = Uint8TableJitter.of(quantizedGraph(), floatGraph());

        assertThat(tables).hasSize(1);
        Uint8TableJitter table = tables.get(0);
        assertThat(table.values()).isEqualTo("t_quantized");
        assertThat(table.scale()).isEqualTo("t_scale");
        assertThat(table.zeroPoint()).isEqualTo(128);
        byte[] stored = new byte[TABLE.length];
        quantizedGraph().initializer("t_quantized").orElseThrow().data().get(stored);
        assertThat(table.requantize(0)).containsExactly(stored);
        // the extremes by hand: +max -> 255, -max -> 1, zero -> 128
        assertThat(Byte.toUnsignedInt(stored[3])).isEqualTo(255);
        assertThat(Byte.toUnsignedInt(stored[4])).isEqualTo(1);
        assertThat(Byte.toUnsignedInt(stored[2])).isEqualTo(128);
    }

    @Test
    void aGrownScaleRoundsWithTheGrownStepAndReplacesValuesAndScale() {
        Uint8TableJitter table = Uint8TableJitter.of(quantizedGraph(), floatGraph()).get(0);
        double growth = 0.1;
        float grown = (float) (SCALE * (1 + growth));

        byte[] q = table.requantize(growth);

        for (int i = 0; i < TABLE.length; i++) {
            long expected = Math.max(0, Math.min(255, (long) Math.rint(TABLE[i] / grown) + 128));
            assertThat(Byte.toUnsignedInt(q[i])).as("value %d", i).isEqualTo((int) expected);
            assertThat(Math.abs((Byte.toUnsignedInt(q[i]) - 128) * (double) grown - TABLE[i])).isLessThanOrEqualTo(grown / 2 * (1 + 1e-6));
        }
        Map<String, OnnxTensor> replaced = new HashMap<>();
        table.replace(growth, replaced);
        assertThat(replaced).containsOnlyKeys("t_quantized", "t_scale");
        assertThat(replaced.get("t_scale").toFloatArray()).containsExactly(grown);
        byte[] written = new byte[TABLE.length];
        replaced.get("t_quantized").data().get(written);
        assertThat(written).containsExactly(q);
    }
}
