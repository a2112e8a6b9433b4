package dev.retrievals.bench;

import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Float embedding tables of a graph stored as ONNX Runtime's {@code quantize_dynamic} stores them (as LangChain4j's
 * all-minilm-l6-v2-q has its position, token-type and word tables): uint8 with one scale for the whole table,
 * {@code scale = 2 max|w| / 255}, zero point 128, {@code q = clamp(rint(w / scale) + 128, 0, 255)}, read by the same
 * {@code Gather} and followed by a {@code DequantizeLinear}. A probe's experiment, not an export option.
 */
final class PerTensorUint8Tables {
    private static final int ZERO_POINT = 128;

    private PerTensorUint8Tables() {}

    /**
     * The model with each float table named in {@code tables} that a {@code Gather} reads (as its first input) stored as uint8
     * per tensor.
     *
     * @throws IllegalStateException when a named table is not a float initializer read by a Gather
     */
    static OnnxModel apply(OnnxModel model, Set<String> tables) {
        OnnxGraph graph = model.graph();
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensor> initializers = new ArrayList<>(graph.initializers());
        int converted = 0;
        for (OnnxNode node : graph.nodes()) {
            String table = node.opType().equals("Gather") ? node.inputs().get(0) : null;
            OnnxTensor weight = table != null && tables.contains(table) ? graph.initializer(table)
                    .filter(tensor -> tensor.dataType() == OnnxDataType.FLOAT).orElse(null) : null;
            if (weight == null) {
                nodes.add(node);
                continue;
            }
            float[] values = weight.toFloatArray();
            float scale = scaleOf(values);
            String quantized = table + "_quantized";
            String scaleName = table + "_scale";
            String zeroPointName = table + "_zero_point";
            initializers.removeIf(tensor -> tensor.name().equals(table));
            initializers.add(OnnxTensor.of(quantized, OnnxDataType.UINT8, weight.dims(),
                    ByteBuffer.wrap(quantize(values, scale, ZERO_POINT))));
            initializers.add(OnnxTensor.ofFloats(scaleName, new long[0], scale));
            initializers.add(OnnxTensor.of(zeroPointName, OnnxDataType.UINT8, new long[0], ByteBuffer.wrap(new byte[] {(byte) ZERO_POINT})));
            String rows = node.outputs().get(0) + "_uint8";
            List<String> inputs = new ArrayList<>(node.inputs());
            inputs.set(0, quantized);
            nodes.add(new OnnxNode(node.name(), node.opType(), node.domain(), inputs, List.of(rows), node.attributes()));
            nodes.add(OnnxNode.of(node.name() + "_dequantize", "DequantizeLinear", List.of(rows, scaleName, zeroPointName),
                    node.outputs()));
            converted++;
        }
        if (converted != tables.size()) {
            throw new IllegalStateException("expected " + tables.size() + " float tables read by a Gather (" + tables + "), found "
                    + converted);
        }
        return model.withGraph(new OnnxGraph(graph.name(), nodes, initializers, graph.inputs(), graph.outputs()));
    }

    /** {@code 2 max|w| / 255}: the symmetric uint8 scale of {@code quantize_dynamic}. */
    static float scaleOf(float[] values) {
        float largest = 0;
        for (float value : values) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest * 2 / 255;
    }

    /** {@code clamp(rint(w / scale) + zeroPoint, 0, 255)} for every value (float division, ties to even, as numpy). */
    static byte[] quantize(float[] values, float scale, int zeroPoint) {
        byte[] q = new byte[values.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) Math.max(0, Math.min(255, (long) Math.rint(values[i] / scale) + zeroPoint));
        }
        return q;
    }
}
