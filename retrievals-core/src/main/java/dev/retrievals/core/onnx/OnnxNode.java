package dev.retrievals.core.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator call of a graph ({@code NodeProto}).
 *
 * @param name the node's name (may be empty)
 * @param opType the operator, e.g. "MatMul"
 * @param domain the operator's domain; "" for the default ONNX domain
 * @param inputs the names of the tensors it reads ("" marks an omitted optional input)
 * @param outputs the names of the tensors it writes
 * @param attributes its attributes, in file order
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        List<OnnxAttribute> attributes) {
    /** Copies the lists and checks the required parts. */
    public OnnxNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        if (opType == null || opType.isEmpty()) {
            throw new IllegalArgumentException("node '" + name + "' has no op_type");
        }
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** A node of the default ONNX domain. */
    public static OnnxNode of(String name, String opType, List<String> inputs, List<String> outputs,
            OnnxAttribute... attributes) {
        return new OnnxNode(name, opType, "", inputs, outputs, List.of(attributes));
    }

    /** The attribute with the given name, if the node has one. */
    public Optional<OnnxAttribute> attribute(String attributeName) {
        return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst();
    }
}
