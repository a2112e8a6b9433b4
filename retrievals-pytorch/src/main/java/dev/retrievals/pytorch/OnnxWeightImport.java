package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes a transformer's weights out of an ONNX graph exported from PyTorch. Embeddings, biases and
 * LayerNorms keep their Hugging Face names as initializers; the weights of linear layers are often
 * anonymous ({@code onnx::MatMul_123}, stored {@code [in, out]}). Each of those is mapped by the
 * graph's topology: the weight feeds a MatMul whose output an Add combines with the initializer
 * {@code <layer>.bias}, so the weight is {@code <layer>.weight}, transposed to PyTorch's
 * {@code [out, in]}.
 */
final class OnnxWeightImport {
    private OnnxWeightImport() {}

    /**
     * The tensors the architecture expects, by Hugging Face name, in {@code manager}.
     *
     * @param expected parameter names and shapes from the architecture
     * @param source the ONNX file, for messages
     * @throws RetrievalsException naming the file and the parameter that the graph does not hold
     */
    static Map<String, NDArray> tensors(OnnxModel model, Map<String, long[]> expected, NDManager manager, String source) {
        OnnxGraph graph = model.graph();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();
        for (String name : expected.keySet()) {
            Optional<OnnxTensor> named = graph.initializer(name);
            if (named.isPresent()) {
                tensors.put(name, floats(named.get(), manager, source));
                continue;
            }
            Optional<OnnxTensor> anonymous = name.endsWith(".weight")
                    ? weightBeforeBias(graph, name.substring(0, name.length() - ".weight".length()) + ".bias")
                    : Optional.empty();
            if (anonymous.isPresent()) {
                tensors.put(name, floats(anonymous.get(), manager, source).transpose());
            } else {
                unmapped.add(name);
            }
        }
        if (!unmapped.isEmpty()) {
            throw new RetrievalsException("ONNX graph " + source + " cannot be mapped to the architecture: no initializer for "
                    + unmapped.size() + " parameter(s), first '" + unmapped.get(0) + "' (neither an initializer of that name"
                    + " nor a MatMul weight feeding an Add with its '.bias'). Export the model with parameter names kept,"
                    + " or load its model.safetensors instead.");
        }
        return tensors;
    }

    /** The initializer that a MatMul multiplies by before an Add adds {@code biasName}. */
    private static Optional<OnnxTensor> weightBeforeBias(OnnxGraph graph, String biasName) {
        if (graph.initializer(biasName).isEmpty()) {
            return Optional.empty();
        }
        for (OnnxNode add : graph.consumers(biasName)) {
            if (!add.opType().equals("Add")) {
                continue;
            }
            for (String input : add.inputs()) {
                Optional<OnnxNode> matMul = graph.producer(input).filter(node -> node.opType().equals("MatMul"));
                if (matMul.isEmpty()) {
                    continue;
                }
                for (String operand : matMul.get().inputs()) {
                    Optional<OnnxTensor> weight = graph.initializer(operand);
                    if (weight.isPresent() && weight.get().dims().length == 2) {
                        return weight;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static NDArray floats(OnnxTensor tensor, NDManager manager, String source) {
        if (tensor.dataType() != OnnxDataType.FLOAT && tensor.dataType() != OnnxDataType.FLOAT16
                && tensor.dataType() != OnnxDataType.DOUBLE) {
            throw new RetrievalsException("ONNX graph " + source + ": initializer '" + tensor.name() + "' is "
                    + tensor.dataType() + "; expected a floating-point weight");
        }
        return tensor.toNDArray(manager);
    }
}
