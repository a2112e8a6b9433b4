package dev.retrievals.onnx;

import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxOpsetImport;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Dynamic int8 quantization of an ONNX graph, as ONNX Runtime's {@code quantize_dynamic} does it:
 * every {@code MatMul} whose second input is a 2-D float initializer (the linear layers' weights;
 * attention's activation × activation products are left alone) gets its weights as
 * {@link Int8Weights} (per output channel, symmetric) and quantizes its activations to uint8 at run
 * time, in the form {@link Int8Quantization#op()} chooses. Everything else (embeddings, biases,
 * LayerNorms, softmax, pooling, normalisation) stays float32. The model's metadata records what was
 * quantized ({@value #META_QUANTIZATION}, {@value #META_QUANTIZED_MATMULS}, {@value #META_WEIGHT_BITS},
 * {@value #META_QUANTIZED_OP}).
 */
public final class Int8MatMulQuantizer {
    /** The operator domain of ONNX Runtime's contrib ops. */
    static final String MICROSOFT_DOMAIN = "com.microsoft";
    /** Metadata: a one-line description of the quantization. */
    public static final String META_QUANTIZATION = "retrievals.quantization";
    /** Metadata: how many MatMuls were quantized. */
    public static final String META_QUANTIZED_MATMULS = "retrievals.quantized_matmuls";
    /** Metadata: 8, or 7 for reduced-range weights. */
    public static final String META_WEIGHT_BITS = "retrievals.weight_bits";
    /** Metadata: the {@link QuantizedMatMulOp} used. */
    public static final String META_QUANTIZED_OP = "retrievals.quantized_op";

    private Int8MatMulQuantizer() {}

    /** The model with its MatMul weights quantized; a graph without such MatMuls comes back with zero of them quantized. */
    public static OnnxModel quantize(OnnxModel model, Int8Quantization options) {
        return quantize(model, options, UnaryOperator.identity());
    }

    /** As {@link #quantize(OnnxModel, Int8Quantization)}, passing each weight matrix through {@code tamper} (tests break it on purpose). */
    static OnnxModel quantize(OnnxModel model, Int8Quantization options, UnaryOperator<Int8Weights> tamper) {
        OnnxGraph graph = model.graph();
        Names names = new Names(graph);
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        graph.initializers().forEach(tensor -> initializers.put(tensor.name(), tensor));
        Map<String, QuantizedWeight> quantized = new HashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, QuantizedActivation> activations = new HashMap<>();
        int count = 0;
        for (OnnxNode node : graph.nodes()) {
            Optional<OnnxTensor> weight = quantizableWeight(graph, node);
            if (weight.isEmpty()) {
                nodes.add(node);
                continue;
            }
            QuantizedWeight q = quantized.computeIfAbsent(weight.get().name(),
                    name -> QuantizedWeight.add(weight.get(), options, tamper, names, initializers));
            nodes.addAll(options.op() == QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL ? fused(node, q, names)
                    : integer(node, q, names, activations));
            count++;
        }
        Set<String> read = new HashSet<>();
        nodes.forEach(node -> read.addAll(node.inputs()));
        initializers.keySet().removeIf(name -> quantized.containsKey(name) && !read.contains(name));
        OnnxGraph rewritten = new OnnxGraph(graph.name(), nodes, List.copyOf(initializers.values()), graph.inputs(), graph.outputs());
        List<OnnxOpsetImport> opsets = new ArrayList<>(model.opsetImports());
        if (options.op() == QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL && count > 0
                && opsets.stream().noneMatch(opset -> opset.domain().equals(MICROSOFT_DOMAIN))) {
            opsets.add(new OnnxOpsetImport(MICROSOFT_DOMAIN, 1));
        }
        Map<String, String> metadata = new LinkedHashMap<>(model.metadataProps());
        metadata.put(META_QUANTIZATION, describe(options, count));
        metadata.put(META_QUANTIZED_MATMULS, Integer.toString(count));
        metadata.put(META_WEIGHT_BITS, options.reduceRange() ? "7" : "8");
        metadata.put(META_QUANTIZED_OP, options.op().name().toLowerCase(Locale.ROOT));
        return new OnnxModel(model.irVersion(), model.producerName(), model.producerVersion(), opsets, metadata, rewritten);
    }

    /** One line that says what {@link #quantize} did. */
    static String describe(Int8Quantization options, int count) {
        return String.format(Locale.ROOT, "dynamic int8: %d MatMul weights per output channel, symmetric [-%d, %d] (%d-bit);"
                + " activations uint8 per tensor at run time (%s)", count, options.weightLimit(), options.weightLimit(),
                options.reduceRange() ? 7 : 8, options.op() == QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL
                        ? "com.microsoft:DynamicQuantizeMatMul" : "DynamicQuantizeLinear + MatMulInteger");
    }

    private static Optional<OnnxTensor> quantizableWeight(OnnxGraph graph, OnnxNode node) {
        if (!node.opType().equals("MatMul") || !node.domain().isEmpty() || node.inputs().size() != 2) {
            return Optional.empty();
        }
        return graph.initializer(node.inputs().get(1))
                .filter(tensor -> tensor.dataType() == OnnxDataType.FLOAT && tensor.dims().length == 2);
    }

    /** {@code DynamicQuantizeMatMul(x, q, scale)}, writing the MatMul's output. */
    private static List<OnnxNode> fused(OnnxNode matMul, QuantizedWeight q, Names names) {
        return List.of(new OnnxNode(names.fresh(matMul.name() + "_quant"), "DynamicQuantizeMatMul", MICROSOFT_DOMAIN,
                List.of(matMul.inputs().get(0), q.values(), q.scales()), matMul.outputs(), List.of()));
    }

    /**
     * {@code Mul(Cast(MatMulInteger(DynamicQuantizeLinear(x), q)), x_scale * scale)}, writing the MatMul's output; an
     * activation read by several MatMuls (query, key and value) is quantized once, by the first.
     */
    private static List<OnnxNode> integer(OnnxNode matMul, QuantizedWeight q, Names names, Map<String, QuantizedActivation> activations) {
        String base = matMul.name().isEmpty() ? "matmul" : matMul.name();
        List<OnnxNode> nodes = new ArrayList<>();
        QuantizedActivation x = activations.computeIfAbsent(matMul.inputs().get(0), input -> {
            QuantizedActivation quantized = new QuantizedActivation(names.fresh(input + "_quantized"), names.fresh(input + "_scale"),
                    names.fresh(input + "_zero_point"));
            nodes.add(OnnxNode.of(names.fresh(base + "_quantize_x"), "DynamicQuantizeLinear", List.of(input),
                    List.of(quantized.values(), quantized.scale(), quantized.zeroPoint())));
            return quantized;
        });
        String product = names.fresh(base + "_int32");
        String asFloat = names.fresh(base + "_int32_float");
        String scale = names.fresh(base + "_scale");
        nodes.addAll(List.of(
                OnnxNode.of(names.fresh(base + "_integer"), "MatMulInteger", List.of(x.values(), q.values(), x.zeroPoint(), q.zeroPoints()),
                        List.of(product)),
                OnnxNode.of(names.fresh(base + "_cast"), "Cast", List.of(product), List.of(asFloat),
                        OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code())),
                OnnxNode.of(names.fresh(base + "_scales"), "Mul", List.of(x.scale(), q.scales()), List.of(scale)),
                OnnxNode.of(names.fresh(base + "_dequantize"), "Mul", List.of(asFloat, scale), matMul.outputs())));
        return nodes;
    }

    /** The outputs of one {@code DynamicQuantizeLinear}: uint8 values, their scale and zero point. */
    private record QuantizedActivation(String values, String scale, String zeroPoint) {}

    /** The initializer names of one quantized weight: values {@code [in, out]} int8, scales and zero points {@code [out]}. */
    private record QuantizedWeight(String values, String scales, String zeroPoints) {
        static QuantizedWeight add(OnnxTensor weight, Int8Quantization options, UnaryOperator<Int8Weights> tamper, Names names,
                Map<String, OnnxTensor> initializers) {
            long[] dims = weight.dims();
            int rows = Math.toIntExact(dims[0]);
            int columns = Math.toIntExact(dims[1]);
            Int8Weights q = tamper.apply(Int8Weights.quantize(weight.toFloatArray(), rows, columns, options.reduceRange()));
            QuantizedWeight result = new QuantizedWeight(names.fresh(weight.name() + "_quantized"), names.fresh(weight.name() + "_scale"),
                    names.fresh(weight.name() + "_zero_point"));
            initializers.put(result.values, OnnxTensor.of(result.values, OnnxDataType.INT8, dims, ByteBuffer.wrap(q.values())));
            initializers.put(result.scales, OnnxTensor.ofFloats(result.scales, new long[] {columns}, q.scales()));
            if (options.op() == QuantizedMatMulOp.MATMUL_INTEGER) {
                initializers.put(result.zeroPoints, OnnxTensor.of(result.zeroPoints, OnnxDataType.INT8, new long[] {columns},
                        ByteBuffer.wrap(new byte[columns])));
            }
            return result;
        }
    }

    /** Hands out names that no tensor or node of the graph has yet. */
    private static final class Names {
        private final Set<String> used = new HashSet<>();

        Names(OnnxGraph graph) {
            graph.inputs().stream().map(OnnxValueInfo::name).forEach(used::add);
            graph.initializers().forEach(tensor -> used.add(tensor.name()));
            for (OnnxNode node : graph.nodes()) {
                used.add(node.name());
                used.addAll(node.outputs());
            }
        }

        String fresh(String prefix) {
            String candidate = prefix;
            for (int i = 1; !used.add(candidate); i++) {
                candidate = prefix + "_" + i;
            }
            return candidate;
        }
    }
}
