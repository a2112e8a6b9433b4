package dev.retrievals.bench;

import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One int8 MatMul weight of a quantized ONNX graph, found by following the graph: the int8 initializer
 * {@code <w>_quantized} {@code [in, out]} that a {@code MatMulInteger} or {@code com.microsoft:DynamicQuantizeMatMul}
 * reads as its second input, and its per-column float scale {@code [out]}: the fused node's third input, or, after a
 * {@code MatMulInteger}, the initializer the {@code Mul} behind its {@code Cast} multiplies by, directly (our per-row form)
 * or through a {@code Mul} with the activation's scale (ONNX Runtime's {@code quantize_dynamic}, as in LangChain4j's
 * all-minilm-l6-v2-q). The float weight it stands for is the initializer {@code <w>} of the unquantized graph.
 *
 * @param values the int8 initializer's name
 * @param scales the scale initializer's name
 * @param rows the input dimension
 * @param columns the output dimension
 */
public record QuantizedMatMulWeight(String values, String scales, int rows, int columns) {
    private static final String SUFFIX = "_quantized";

    /** The name of the float weight in the unquantized graph: {@link #values()} without {@code _quantized}. */
    public String floatName() {
        return values.substring(0, values.length() - SUFFIX.length());
    }

    /**
     * The int8 MatMul weights of a graph, in graph order (each once).
     *
     * @throws IllegalStateException naming the node when an int8 weight has no per-column scale to be found, is not named
     *     {@code <w>_quantized} or has a zero point other than 0
     */
    public static List<QuantizedMatMulWeight> of(OnnxGraph graph) {
        Map<String, QuantizedMatMulWeight> found = new LinkedHashMap<>();
        for (OnnxNode node : graph.nodes()) {
            boolean fused = node.opType().equals("DynamicQuantizeMatMul") && node.domain().equals("com.microsoft");
            if (!fused && !(node.opType().equals("MatMulInteger") && node.domain().isEmpty())) {
                continue;
            }
            Optional<OnnxTensor> weight = graph.initializer(node.inputs().get(1))
                    .filter(tensor -> tensor.dataType() == OnnxDataType.INT8 && tensor.dims().length == 2);
            if (weight.isEmpty() || found.containsKey(weight.get().name())) {
                continue;
            }
            String name = weight.get().name();
            if (!name.endsWith(SUFFIX)) {
                throw new IllegalStateException(graph.name() + ", node " + node.name() + ": int8 weight '" + name + "' is not named <w>"
                        + SUFFIX + ", so its float weight cannot be found");
            }
            int rows = Math.toIntExact(weight.get().dims()[0]);
            int columns = Math.toIntExact(weight.get().dims()[1]);
            if (!fused && node.inputs().size() > 3 && !allZero(graph, node.inputs().get(3))) {
                throw new IllegalStateException(graph.name() + ", node " + node.name() + ": weight zero point " + node.inputs().get(3)
                        + " is not an all-zero initializer; only symmetric weights are handled");
            }
            String scales = fused ? scaleInput(graph, node.inputs().size() > 2 ? node.inputs().get(2) : "", columns)
                    : scaleAfter(graph, node, columns);
            if (scales == null) {
                throw new IllegalStateException(graph.name() + ", node " + node.name() + ": no float initializer [" + columns
                        + "] of per-column scales for weight '" + name + "' (expected Cast then Mul after MatMulInteger)");
            }
            found.put(name, new QuantizedMatMulWeight(name, scales, rows, columns));
        }
        return List.copyOf(found.values());
    }

    /** The scale initializer multiplied into the output of {@code Cast(MatMulInteger)}, or null. */
    private static String scaleAfter(OnnxGraph graph, OnnxNode matMul, int columns) {
        for (OnnxNode cast : graph.consumers(matMul.outputs().get(0))) {
            if (!cast.opType().equals("Cast")) {
                continue;
            }
            for (OnnxNode mul : graph.consumers(cast.outputs().get(0))) {
                if (!mul.opType().equals("Mul")) {
                    continue;
                }
                for (String input : mul.inputs()) {
                    String direct = scaleInput(graph, input, columns);
                    if (direct != null) {
                        return direct;
                    }
                    Optional<OnnxNode> product = graph.producer(input).filter(node -> node.opType().equals("Mul"));
                    for (String factor : product.map(OnnxNode::inputs).orElse(List.of())) {
                        if (scaleInput(graph, factor, columns) != null) {
                            return factor;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** {@code name} when it is a float initializer {@code [columns]}, else null. */
    private static String scaleInput(OnnxGraph graph, String name, int columns) {
        return graph.initializer(name).filter(tensor -> tensor.dataType() == OnnxDataType.FLOAT && tensor.dims().length == 1
                && tensor.dims()[0] == columns).isPresent() ? name : null;
    }

    private static boolean allZero(OnnxGraph graph, String name) {
        Optional<OnnxTensor> zeroPoint = graph.initializer(name);
        if (zeroPoint.isEmpty()) {
            return false;
        }
        ByteBuffer data = zeroPoint.get().data();
        while (data.hasRemaining()) {
            if (data.get() != 0) {
                return false;
            }
        }
        return true;
    }
}
