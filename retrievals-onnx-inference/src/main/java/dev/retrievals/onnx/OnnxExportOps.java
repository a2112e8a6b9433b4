package dev.retrievals.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.pytorch.arch.EncoderOps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends an architecture's forward pass to an ONNX graph: each {@link EncoderOps} call becomes
 * nodes, each parameter an initializer (added on first use). The semantics follow the DJL
 * implementation op for op (exact erf GELU, the additive attention bias
 * {@code (1 - mask) * most-negative-float}, RoBERTa's padding-aware positions), so the export's
 * parity check compares two renderings of one definition.
 *
 * <p>Linear weights are stored transposed ({@code [in, out]}, named {@code <layer>.weight_transposed})
 * and multiplied before their bias is added, the layout PyTorch's exporter writes, so the graph also
 * loads back as weights. With FLOAT16 weights each initializer is cast to float once, and the
 * computation, inputs and outputs stay float32.
 */
final class OnnxExportOps implements EncoderOps<String> {
    /** Suffix of a linear weight stored {@code [in, out]}. */
    static final String TRANSPOSED_SUFFIX = "_transposed";

    private final OnnxGraph.Builder graph;
    private final Map<String, NDArray> parameters;
    private final OnnxDataType weightType;
    private final Map<String, String> materialised = new HashMap<>();
    private final Map<Float, String> floatScalars = new HashMap<>();

    /**
     * @param graph the graph the nodes are appended to
     * @param parameters the model's weights by Hugging Face name ({@code [out, in]} for linear layers)
     * @param weightType FLOAT or FLOAT16: how the initializers are stored
     */
    OnnxExportOps(OnnxGraph.Builder graph, Map<String, NDArray> parameters, OnnxDataType weightType) {
        if (weightType != OnnxDataType.FLOAT && weightType != OnnxDataType.FLOAT16) {
            throw new IllegalArgumentException("weights are exported as FLOAT or FLOAT16, not " + weightType);
        }
        this.graph = graph;
        this.parameters = parameters;
        this.weightType = weightType;
    }

    @Override
    public String parameter(String name) {
        if (!parameters.containsKey(name)) {
            throw new RetrievalsException("The model has no parameter '" + name + "'");
        }
        return name;
    }

    /** The value to read for {@code name}: a parameter's (float) initializer, added on first use, or the value itself. */
    private String use(String name) {
        NDArray parameter = parameters.get(name);
        return parameter == null ? name : materialise(name, name, parameter, false);
    }

    private String materialise(String key, String tensorName, NDArray parameter, boolean transposed) {
        String existing = materialised.get(key);
        if (existing != null) {
            return existing;
        }
        OnnxTensor tensor;
        try (NDManager scratch = parameter.getManager().newSubManager()) {
            NDArray copy = parameter.duplicate();
            copy.attach(scratch);
            NDArray laidOut = transposed ? copy.transpose(1, 0) : copy;
            NDArray typed = laidOut.toType(weightType == OnnxDataType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32, false);
            tensor = OnnxTensor.fromNDArray(tensorName, typed);
        }
        String initializer = graph.initializer(tensor);
        String value = weightType == OnnxDataType.FLOAT ? initializer
                : graph.node("Cast", List.of(initializer), OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code()));
        materialised.put(key, value);
        return value;
    }

    /** Appends a node whose inputs may be parameters (materialised on first use) or values; returns its output. */
    String node(String opType, List<String> inputs, OnnxAttribute... attributes) {
        List<String> resolved = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            resolved.add(use(input));
        }
        return graph.node(opType, resolved, attributes);
    }

    /** An INT64 vector constant (axes, shapes). */
    String longs(String prefix, long... values) {
        return graph.initializer(OnnxTensor.ofLongs(graph.uniqueName(prefix), new long[] {values.length}, values));
    }

    /** A float32 scalar constant; one initializer per distinct value. */
    String scalar(String prefix, float value) {
        return floatScalars.computeIfAbsent(value,
                v -> graph.initializer(OnnxTensor.ofFloats(graph.uniqueName(prefix), new long[0], v)));
    }

    /** An INT64 scalar constant. */
    String longScalar(String prefix, long value) {
        return graph.initializer(OnnxTensor.ofLongs(graph.uniqueName(prefix), new long[0], value));
    }

    @Override
    public String embedding(String table, String ids) {
        return node("Gather", List.of(table, ids), OnnxAttribute.ofInt("axis", 0));
    }

    @Override
    public String add(String a, String b) {
        return node("Add", List.of(a, b));
    }

    @Override
    public String linear(String x, String weight, String bias) {
        NDArray parameter = parameters.get(weight);
        String transposed = parameter != null
                ? materialise(weight + TRANSPOSED_SUFFIX, weight + TRANSPOSED_SUFFIX, parameter, true)
                : node("Transpose", List.of(weight), OnnxAttribute.ofInts("perm", 1, 0));
        return node("Add", List.of(node("MatMul", List.of(x, transposed)), bias));
    }

    @Override
    public String layerNorm(String x, String gamma, String beta, double epsilon) {
        return node("LayerNormalization", List.of(x, gamma, beta),
                OnnxAttribute.ofInt("axis", -1), OnnxAttribute.ofFloat("epsilon", (float) epsilon));
    }

    @Override
    public String activation(String x, String hiddenAct) {
        switch (hiddenAct) {
            case "gelu": {
                // 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.functional.gelu
                String erf = node("Erf", List.of(node("Div", List.of(x, scalar("sqrt_2", (float) Math.sqrt(2))))));
                return node("Mul", List.of(node("Mul", List.of(x, scalar("half", 0.5f))), node("Add", List.of(erf, scalar("one", 1f)))));
            }
            case "gelu_new":
            case "gelu_pytorch_tanh": {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                String cube = node("Mul", List.of(node("Pow", List.of(x, scalar("three", 3f))), scalar("gelu_coefficient", 0.044715f)));
                String inner = node("Mul", List.of(node("Add", List.of(x, cube)), scalar("sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
                String tanh = node("Add", List.of(node("Tanh", List.of(inner)), scalar("one", 1f)));
                return node("Mul", List.of(node("Mul", List.of(tanh, x)), scalar("half", 0.5f)));
            }
            case "relu":
                return node("Relu", List.of(x));
            case "tanh":
                return node("Tanh", List.of(x));
            case "silu":
            case "swish":
                return node("Mul", List.of(node("Sigmoid", List.of(x)), x));
            default:
                throw new RetrievalsException("hidden_act '" + hiddenAct + "' has no ONNX export; expected one of gelu, gelu_new,"
                        + " gelu_pytorch_tanh, relu, silu, tanh");
        }
    }

    @Override
    public String dropout(String x, double probability) {
        return x;
    }

    @Override
    public String splitHeads(String x, int heads) {
        String reshaped = node("Reshape", List.of(x, longs("split_heads_shape", 0, 0, heads, -1)));
        return node("Transpose", List.of(reshaped), OnnxAttribute.ofInts("perm", 0, 2, 1, 3));
    }

    @Override
    public String mergeHeads(String x) {
        String transposed = node("Transpose", List.of(x), OnnxAttribute.ofInts("perm", 0, 2, 1, 3));
        return node("Reshape", List.of(transposed, longs("merge_heads_shape", 0, 0, -1)));
    }

    @Override
    public String attentionScores(String query, String key, double scale, String bias) {
        String keyT = node("Transpose", List.of(key), OnnxAttribute.ofInts("perm", 0, 1, 3, 2));
        return add(node("Mul", List.of(node("MatMul", List.of(query, keyT)), scalar("attention_scale", (float) scale))), bias);
    }

    @Override
    public String attentionBias(String attentionMask) {
        String mask = node("Cast", List.of(attentionMask), OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code()));
        String padding = node("Sub", List.of(scalar("one", 1f), mask));
        String bias = node("Mul", List.of(padding, scalar("most_negative", -Float.MAX_VALUE)));
        return node("Unsqueeze", List.of(bias, longs("bias_axes", 1, 2)));
    }

    @Override
    public String softmax(String x) {
        return node("Softmax", List.of(x), OnnxAttribute.ofInt("axis", -1));
    }

    @Override
    public String matMul(String a, String b) {
        return node("MatMul", List.of(a, b));
    }

    @Override
    public String positionIds(String inputIds) {
        String positions = node("Range", List.of(longScalar("zero", 0), sequenceLength(inputIds), longScalar("step", 1)));
        return node("Unsqueeze", List.of(positions, longs("batch_axis", 0)));
    }

    /** The length of axis 1 of a {@code [b, s]} value, as an INT64 scalar. */
    String sequenceLength(String value) {
        return node("Gather", List.of(node("Shape", List.of(value)), longScalar("sequence_axis", 1)), OnnxAttribute.ofInt("axis", 0));
    }

    @Override
    public String paddingAwarePositionIds(String inputIds, long padId) {
        String pad = longScalar("pad_id", padId);
        String notPadding = node("Cast", List.of(node("Not", List.of(node("Equal", List.of(inputIds, pad))))),
                OnnxAttribute.ofInt("to", OnnxDataType.INT64.code()));
        String counted = node("CumSum", List.of(notPadding, longScalar("sequence_axis", 1)));
        return node("Add", List.of(node("Mul", List.of(counted, notPadding)), pad));
    }

    @Override
    public String firstToken(String x) {
        return node("Gather", List.of(x, longScalar("first_token", 0)), OnnxAttribute.ofInt("axis", 1));
    }

    @Override
    public String zerosLike(String ids) {
        return node("ConstantOfShape", List.of(node("Shape", List.of(ids))),
                OnnxAttribute.ofTensor("value", OnnxTensor.ofLongs("", new long[] {1}, 0L)));
    }
}
