package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
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
 * time (per row or per tensor), in the form {@link Int8Quantization#op()} chooses, or MatMul by MatMul as a
 * {@link MatMulPlan} says (which may also leave some float32). Everything else (embeddings, biases,
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

    /** The smallest activation range per row: an all-zero row quantizes to zeros instead of dividing by zero. */
    static final float TINY_RANGE = 1e-20f;
    /** The uint8 zero point of per-row activations: steps in [-127, 127] are stored as [1, 255]. */
    static final int ROW_ZERO_POINT = 128;

    private Int8MatMulQuantizer() {}

    /**
     * The model with its MatMul weights quantized in the one form of {@code options.op()}; a graph without such MatMuls comes
     * back with zero of them quantized.
     *
     * @throws RetrievalsException for {@link QuantizedMatMulOp#MIXED}, which needs a {@link MatMulPlan}
     */
    public static OnnxModel quantize(OnnxModel model, Int8Quantization options) {
        return quantize(model, options, UnaryOperator.identity());
    }

    /** As {@link #quantize(OnnxModel, Int8Quantization)}, passing each weight matrix through {@code tamper} (tests break it on purpose). */
    static OnnxModel quantize(OnnxModel model, Int8Quantization options, UnaryOperator<Int8Weights> tamper) {
        if (options.op() == QuantizedMatMulOp.MIXED) {
            throw new RetrievalsException("Int8 quantization op 'mixed' needs a MatMul plan (OnnxExporter chooses one on the sample"
                    + " texts); quantizing a graph directly takes one of " + List.of(QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW,
                    QuantizedMatMulOp.MATMUL_INTEGER, QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL));
        }
        MatMulForm form = options.op() == QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW ? MatMulForm.PER_ROW : MatMulForm.PER_TENSOR;
        List<String> weights = new ArrayList<>();
        quantizableWeights(model.graph()).values().forEach(weights::addAll);
        return quantize(model, options, MatMulPlan.uniform(weights, form), tamper);
    }

    /**
     * The model with each linear MatMul in the form {@code plan} gives it (its activation quantization, or float32), the
     * weights as {@code options} say; {@code options.op()} is recorded ({@link QuantizedMatMulOp#MIXED} also records the plan,
     * {@value MatMulPlan#META_PLAN}).
     */
    public static OnnxModel quantize(OnnxModel model, Int8Quantization options, MatMulPlan plan) {
        return quantize(model, options, plan, UnaryOperator.identity());
    }

    /** As {@link #quantize(OnnxModel, Int8Quantization, MatMulPlan)}, passing each weight matrix through {@code tamper}. */
    static OnnxModel quantize(OnnxModel model, Int8Quantization options, MatMulPlan plan, UnaryOperator<Int8Weights> tamper) {
        OnnxGraph graph = model.graph();
        Names names = new Names(graph);
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        graph.initializers().forEach(tensor -> initializers.put(tensor.name(), tensor));
        Map<String, QuantizedWeight> quantized = new HashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, QuantizedActivation> activations = new HashMap<>();
        boolean fusedOp = options.op() == QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL;
        RowConstants constants = null;
        int count = 0;
        for (OnnxNode node : graph.nodes()) {
            Optional<OnnxTensor> weight = quantizableWeight(graph, node);
            MatMulForm form = weight.isEmpty() ? MatMulForm.FLOAT32 : plan.formOf(weight.get().name());
            if (form == MatMulForm.FLOAT32) {
                nodes.add(node);
                continue;
            }
            QuantizedWeight q = quantized.computeIfAbsent(weight.get().name(),
                    name -> QuantizedWeight.add(weight.get(), options, tamper, names, initializers));
            if (fusedOp) {
                nodes.addAll(fused(node, q, names));
            } else {
                if (form == MatMulForm.PER_ROW && constants == null) {
                    constants = RowConstants.add(names, initializers);
                }
                nodes.addAll(integer(node, q, names, activations, form == MatMulForm.PER_ROW ? constants : null));
            }
            count++;
        }
        Set<String> read = new HashSet<>();
        nodes.forEach(node -> read.addAll(node.inputs()));
        initializers.keySet().removeIf(name -> quantized.containsKey(name) && !read.contains(name));
        OnnxGraph rewritten = new OnnxGraph(graph.name(), nodes, List.copyOf(initializers.values()), graph.inputs(), graph.outputs());
        List<OnnxOpsetImport> opsets = new ArrayList<>(model.opsetImports());
        if (fusedOp && count > 0 && opsets.stream().noneMatch(opset -> opset.domain().equals(MICROSOFT_DOMAIN))) {
            opsets.add(new OnnxOpsetImport(MICROSOFT_DOMAIN, 1));
        }
        Map<String, String> metadata = new LinkedHashMap<>(model.metadataProps());
        metadata.put(META_QUANTIZATION, describe(options, count, plan));
        metadata.put(META_QUANTIZED_MATMULS, Integer.toString(count));
        metadata.put(META_WEIGHT_BITS, options.reduceRange() ? "7" : "8");
        metadata.put(META_QUANTIZED_OP, options.op().name().toLowerCase(Locale.ROOT));
        if (options.op() == QuantizedMatMulOp.MIXED) {
            metadata.put(MatMulPlan.META_PLAN, plan.toMetadata());
        }
        return new OnnxModel(model.irVersion(), model.producerName(), model.producerVersion(), opsets, metadata, rewritten);
    }

    /**
     * The weight initializers of the quantizable MatMuls (a 2-D float initializer as second input), grouped by the activation
     * they read (the first input), both in graph order: the query, key and value projections share one activation.
     */
    public static Map<String, List<String>> quantizableWeights(OnnxGraph graph) {
        Map<String, List<String>> byActivation = new LinkedHashMap<>();
        for (OnnxNode node : graph.nodes()) {
            quantizableWeight(graph, node).ifPresent(weight -> {
                List<String> weights = byActivation.computeIfAbsent(node.inputs().get(0), input -> new ArrayList<>());
                if (!weights.contains(weight.name())) {
                    weights.add(weight.name());
                }
            });
        }
        return byActivation;
    }

    /** One line that says what {@link #quantize} did. */
    static String describe(Int8Quantization options, int count, MatMulPlan plan) {
        String activations;
        switch (options.op()) {
            case MIXED:
                activations = "chosen per MatMul on the sample texts (" + plan.summary() + ")";
                break;
            case DYNAMIC_QUANTIZE_MATMUL:
                activations = "uint8 per tensor at run time (com.microsoft:DynamicQuantizeMatMul)";
                break;
            case MATMUL_INTEGER:
                activations = "uint8 per tensor at run time (DynamicQuantizeLinear + MatMulInteger)";
                break;
            default:
                activations = "symmetric per row at run time, [-127, 127] stored as uint8 with zero point 128 (ReduceMax + Round + Cast + MatMulInteger)";
        }
        return String.format(Locale.ROOT, "dynamic int8: %d MatMul weights per output channel, symmetric [-%d, %d] (%d-bit);"
                + " activations %s", count, options.weightLimit(), options.weightLimit(), options.reduceRange() ? 7 : 8, activations);
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
     * {@code Mul(Cast(MatMulInteger(quantize(x), q)), x_scale * scale)}, writing the MatMul's output; an activation read
     * by several MatMuls (query, key and value) is quantized once, by the first: per tensor to uint8
     * ({@code DynamicQuantizeLinear}) or per row to int8 ({@link #perRow}); an activation read per tensor by one MatMul and per
     * row by another is quantized once each way. {@code constants} null means per tensor.
     */
    private static List<OnnxNode> integer(OnnxNode matMul, QuantizedWeight q, Names names, Map<String, QuantizedActivation> activations,
            RowConstants constants) {
        String base = matMul.name().isEmpty() ? "matmul" : matMul.name();
        List<OnnxNode> nodes = new ArrayList<>();
        String input = matMul.inputs().get(0);
        QuantizedActivation x = activations.computeIfAbsent(input + (constants == null ? "/per_tensor" : "/per_row"),
                key -> constants == null ? perTensor(input, base, names, nodes) : perRow(input, base, names, constants, nodes));
        String product = names.fresh(base + "_int32");
        String asFloat = names.fresh(base + "_int32_float");
        String scaled = names.fresh(base + "_scaled");
        boolean perRow = constants != null;
        nodes.addAll(List.of(
                OnnxNode.of(names.fresh(base + "_integer"), "MatMulInteger", List.of(x.values(), q.values(), x.zeroPoint(), q.zeroPoints()),
                        List.of(product)),
                OnnxNode.of(names.fresh(base + "_cast"), "Cast", List.of(product), List.of(asFloat),
                        OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code()))));
        if (perRow) { // [rows, out] times the column scales, then times the row scales [rows, 1]
            nodes.add(OnnxNode.of(names.fresh(base + "_weight_scales"), "Mul", List.of(asFloat, q.scales()), List.of(scaled)));
            nodes.add(OnnxNode.of(names.fresh(base + "_dequantize"), "Mul", List.of(scaled, x.scale()), matMul.outputs()));
        } else { // one scale for the tensor: folded into the column scales first
            nodes.add(OnnxNode.of(names.fresh(base + "_scales"), "Mul", List.of(x.scale(), q.scales()), List.of(scaled)));
            nodes.add(OnnxNode.of(names.fresh(base + "_dequantize"), "Mul", List.of(asFloat, scaled), matMul.outputs()));
        }
        return nodes;
    }

    /** {@code DynamicQuantizeLinear(x)}: uint8, one scale and zero point for the tensor. */
    private static QuantizedActivation perTensor(String input, String base, Names names, List<OnnxNode> nodes) {
        QuantizedActivation quantized = new QuantizedActivation(names.fresh(input + "_quantized"), names.fresh(input + "_scale"),
                names.fresh(input + "_zero_point"));
        nodes.add(OnnxNode.of(names.fresh(base + "_quantize_x"), "DynamicQuantizeLinear", List.of(input),
                List.of(quantized.values(), quantized.scale(), quantized.zeroPoint())));
        return quantized;
    }

    /**
     * Symmetric per row (the last axis): {@code range = Max(ReduceMax(Abs(x)), tiny)}, {@code scale = range / 127},
     * steps {@code Round(x * (127 / range))} in {@code [-127, 127]}, stored as uint8 with the zero point 128:
     * {@code x_q = Cast<uint8>(Clip(Round(x * (127 / range) + 128), 1, 255))} (128 being even, rounding half to even
     * after the shift gives the same steps). uint8 × int8 is the product ONNX Runtime's CPU kernels are fast at; int8 ×
     * int8 MatMulInteger ran about 6 times slower here (a generic kernel without AVX-VNNI), and MatMulInteger takes one
     * zero point for A, so the zero point is the same for every row.
     */
    private static QuantizedActivation perRow(String input, String base, Names names, RowConstants constants, List<OnnxNode> nodes) {
        String prefix = base + "_row";
        String abs = names.fresh(prefix + "_abs");
        String absMax = names.fresh(prefix + "_abs_max");
        String range = names.fresh(prefix + "_range");
        String inverse = names.fresh(prefix + "_inverse_scale");
        String steps = names.fresh(prefix + "_steps");
        String shifted = names.fresh(prefix + "_shifted");
        String rounded = names.fresh(prefix + "_rounded");
        String clipped = names.fresh(prefix + "_clipped");
        QuantizedActivation quantized = new QuantizedActivation(names.fresh(input + "_row_quantized"), names.fresh(input + "_row_scale"),
                constants.zeroPoint());
        nodes.addAll(List.of(
                OnnxNode.of(names.fresh(prefix + "_abs"), "Abs", List.of(input), List.of(abs)),
                OnnxNode.of(names.fresh(prefix + "_reduce_max"), "ReduceMax", List.of(abs), List.of(absMax),
                        OnnxAttribute.ofInts("axes", -1), OnnxAttribute.ofInt("keepdims", 1)),
                OnnxNode.of(names.fresh(prefix + "_guard"), "Max", List.of(absMax, constants.tiny()), List.of(range)),
                OnnxNode.of(names.fresh(prefix + "_scale"), "Div", List.of(range, constants.limit()), List.of(quantized.scale())),
                OnnxNode.of(names.fresh(prefix + "_inverse"), "Div", List.of(constants.limit(), range), List.of(inverse)),
                OnnxNode.of(names.fresh(prefix + "_divide"), "Mul", List.of(input, inverse), List.of(steps)),
                OnnxNode.of(names.fresh(prefix + "_shift"), "Add", List.of(steps, constants.shift()), List.of(shifted)),
                OnnxNode.of(names.fresh(prefix + "_round"), "Round", List.of(shifted), List.of(rounded)),
                OnnxNode.of(names.fresh(prefix + "_clip"), "Clip", List.of(rounded, constants.lowest(), constants.highest()),
                        List.of(clipped)),
                OnnxNode.of(names.fresh(prefix + "_to_uint8"), "Cast", List.of(clipped), List.of(quantized.values()),
                        OnnxAttribute.ofInt("to", OnnxDataType.UINT8.code()))));
        return quantized;
    }

    /** The outputs of an activation's quantization: its uint8 values, scale (per tensor or per row) and zero point. */
    private record QuantizedActivation(String values, String scale, String zeroPoint) {}

    /**
     * The scalar initializers of per-row quantization: 127, the shift 128 and the clip range [1, 255] as floats, the zero
     * point 128 as uint8, and the smallest range (an all-zero row).
     */
    private record RowConstants(String limit, String shift, String lowest, String highest, String zeroPoint, String tiny) {
        static RowConstants add(Names names, Map<String, OnnxTensor> initializers) {
            RowConstants constants = new RowConstants(names.fresh("int8_row_limit"), names.fresh("int8_row_shift"),
                    names.fresh("int8_row_lowest"), names.fresh("int8_row_highest"), names.fresh("int8_row_zero_point"),
                    names.fresh("int8_row_tiny_range"));
            int limit = Int8Weights.FULL_RANGE_LIMIT;
            initializers.put(constants.limit, OnnxTensor.ofFloats(constants.limit, new long[0], limit));
            initializers.put(constants.shift, OnnxTensor.ofFloats(constants.shift, new long[0], ROW_ZERO_POINT));
            initializers.put(constants.lowest, OnnxTensor.ofFloats(constants.lowest, new long[0], ROW_ZERO_POINT - limit));
            initializers.put(constants.highest, OnnxTensor.ofFloats(constants.highest, new long[0], ROW_ZERO_POINT + limit));
            initializers.put(constants.zeroPoint, OnnxTensor.of(constants.zeroPoint, OnnxDataType.UINT8, new long[0],
                    ByteBuffer.wrap(new byte[] {(byte) ROW_ZERO_POINT})));
            initializers.put(constants.tiny, OnnxTensor.ofFloats(constants.tiny, new long[0], TINY_RANGE));
            return constants;
        }
    }

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
            if (options.op() != QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL) {
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
