package dev.retrievals.bench;

import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedding tables that ONNX Runtime's {@code quantize_dynamic} stores as uint8 with one scale and zero point for the
 * whole table ({@code Gather} of the uint8 table, then {@code DequantizeLinear}), as LangChain4j's all-minilm-l6-v2-q has
 * them, quantized again from the float table with the scale grown by a factor {@code 1 + growth}:
 * {@code q = clamp(rint(w / scale') + zero_point, 0, 255)}. With growth 0 it gives the stored table back (checked by the
 * caller's control), with a small growth many values round the other way at about the same error.
 *
 * @param values the uint8 table's initializer name
 * @param scale the scale's initializer name (a float scalar)
 * @param zeroPoint the zero point (uint8, read from the graph)
 * @param dims the table's shape
 * @param matrix the float table, row-major
 * @param storedScale the scale stored in the file
 */
record Uint8TableJitter(String values, String scale, int zeroPoint, long[] dims, float[] matrix, float storedScale) {

    /**
     * Every table of {@code graph} read as {@code DequantizeLinear(Gather(uint8 initializer, ids), scalar scale, scalar zero
     * point)}, with its float table from {@code floats} (the uint8 initializer's name without {@code _quantized}).
     *
     * @throws IllegalStateException when the float model lacks a table or its shape differs
     */
    static List<Uint8TableJitter> of(OnnxGraph graph, OnnxGraph floats) {
        List<Uint8TableJitter> tables = new ArrayList<>();
        for (OnnxNode dequantize : graph.nodesOfType("DequantizeLinear")) {
            OnnxNode gather = graph.producer(dequantize.inputs().get(0)).filter(node -> node.opType().equals("Gather")).orElse(null);
            OnnxTensor table = gather == null ? null : graph.initializer(gather.inputs().get(0))
                    .filter(tensor -> tensor.dataType() == OnnxDataType.UINT8).orElse(null);
            if (table == null || dequantize.inputs().size() < 3) {
                continue;
            }
            OnnxTensor scale = graph.initializer(dequantize.inputs().get(1)).orElseThrow();
            OnnxTensor zeroPoint = graph.initializer(dequantize.inputs().get(2)).orElseThrow();
            String floatName = table.name().replaceFirst("_quantized$", "");
            OnnxTensor matrix = floats.initializer(floatName).filter(t -> java.util.Arrays.equals(t.dims(), table.dims()))
                    .orElseThrow(() -> new IllegalStateException("the float model has no table '" + floatName + "' shaped like '"
                            + table.name() + "'"));
            byte[] point = new byte[1];
            zeroPoint.data().get(point);
            tables.add(new Uint8TableJitter(table.name(), scale.name(), Byte.toUnsignedInt(point[0]), table.dims(),
                    matrix.toFloatArray(), scale.toFloatArray()[0]));
        }
        return tables;
    }

    /** The table quantized again with the scale times {@code 1 + growth}: its uint8 values, row-major. */
    byte[] requantize(double growth) {
        return PerTensorUint8Tables.quantize(matrix, (float) (storedScale * (1 + growth)), zeroPoint);
    }

    /** Puts the table quantized again with {@code growth} (values and scale) into {@code replaced}, by initializer name. */
    void replace(double growth, Map<String, OnnxTensor> replaced) {
        replaced.put(values, OnnxTensor.of(values, OnnxDataType.UINT8, dims, ByteBuffer.wrap(requantize(growth))));
        replaced.put(scale, OnnxTensor.ofFloats(scale, new long[0], (float) (storedScale * (1 + growth))));
    }
}
