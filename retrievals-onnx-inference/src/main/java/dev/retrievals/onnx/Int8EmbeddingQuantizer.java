package dev.retrievals.onnx;

import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores the word-embedding table as int8 to shrink an int8 export (the table is most of a small
 * model's file: 30522 × 384 floats are 47 MB of all-MiniLM-L6-v2's 90): each row (token) gets its
 * own symmetric scale ({@link Int8Weights} of the transposed table), and the lookup
 * {@code Gather(table, input_ids)} becomes {@code Cast(Gather(q, input_ids)) * Unsqueeze(Gather(scale, input_ids))},
 * which dequantizes only the rows a batch reads. Only a {@code Gather} of a 2-D float initializer by
 * the graph input {@code input_ids} is changed; the metadata records it ({@value #META_EMBEDDINGS}).
 */
final class Int8EmbeddingQuantizer {
    /** Metadata: {@code int8 per row} when the word embeddings are quantized. */
    static final String META_EMBEDDINGS = "retrievals.word_embeddings";

    private Int8EmbeddingQuantizer() {}

    /** The model with its word-embedding table int8, or the model as it is when no lookup fits. */
    static OnnxModel quantize(OnnxModel model) {
        OnnxGraph graph = model.graph();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        graph.initializers().forEach(tensor -> initializers.put(tensor.name(), tensor));
        List<OnnxNode> nodes = new ArrayList<>();
        boolean changed = false;
        for (OnnxNode node : graph.nodes()) {
            OnnxTensor table = wordEmbeddings(graph, node);
            if (table == null || graph.consumers(table.name()).size() != 1) {
                nodes.add(node);
                continue;
            }
            int rows = Math.toIntExact(table.dims()[0]);
            int columns = Math.toIntExact(table.dims()[1]);
            Int8Weights q = Int8Weights.quantize(transpose(table.toFloatArray(), rows, columns), columns, rows, false);
            byte[] values = new byte[rows * columns];
            for (int i = 0; i < values.length; i++) {
                values[i] = q.values()[(i % columns) * rows + i / columns];
            }
            String name = table.name();
            initializers.remove(name);
            initializers.put(name + "_quantized", OnnxTensor.of(name + "_quantized", OnnxDataType.INT8, table.dims(), ByteBuffer.wrap(values)));
            initializers.put(name + "_row_scale", OnnxTensor.ofFloats(name + "_row_scale", new long[] {rows}, q.scales()));
            initializers.put(name + "_last_axis", OnnxTensor.ofLongs(name + "_last_axis", new long[] {1}, -1L));
            String ids = node.inputs().get(1);
            String gathered = name + "_gathered";
            String asFloat = name + "_gathered_float";
            String rowScales = name + "_gathered_scale";
            String rowScalesColumn = name + "_gathered_scale_column";
            nodes.add(OnnxNode.of(gathered, "Gather", List.of(name + "_quantized", ids), List.of(gathered), OnnxAttribute.ofInt("axis", 0)));
            nodes.add(OnnxNode.of(asFloat, "Cast", List.of(gathered), List.of(asFloat), OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code())));
            nodes.add(OnnxNode.of(rowScales, "Gather", List.of(name + "_row_scale", ids), List.of(rowScales), OnnxAttribute.ofInt("axis", 0)));
            nodes.add(OnnxNode.of(rowScalesColumn, "Unsqueeze", List.of(rowScales, name + "_last_axis"), List.of(rowScalesColumn)));
            nodes.add(OnnxNode.of(node.name() + "_dequantize", "Mul", List.of(asFloat, rowScalesColumn), node.outputs()));
            changed = true;
        }
        if (!changed) {
            return model;
        }
        Map<String, String> metadata = new LinkedHashMap<>(model.metadataProps());
        metadata.put(META_EMBEDDINGS, "int8 per row");
        return model.withGraph(new OnnxGraph(graph.name(), nodes, List.copyOf(initializers.values()), graph.inputs(), graph.outputs()))
                .withMetadata(metadata);
    }

    /** The table of a {@code Gather(table, input_ids)} on axis 0 whose table is a 2-D float initializer; null for any other node. */
    private static OnnxTensor wordEmbeddings(OnnxGraph graph, OnnxNode node) {
        if (!node.opType().equals("Gather") || !node.domain().isEmpty() || node.inputs().size() != 2
                || !node.inputs().get(1).equals("input_ids")
                || node.attribute("axis").map(OnnxAttribute::intValue).orElse(0L) != 0) {
            return null;
        }
        return graph.initializer(node.inputs().get(0))
                .filter(tensor -> tensor.dataType() == OnnxDataType.FLOAT && tensor.dims().length == 2).orElse(null);
    }

    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] transposed = new float[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            transposed[(i % columns) * rows + i / columns] = matrix[i];
        }
        return transposed;
    }
}
