package dev.retrievals.core.onnx;

import java.util.Objects;

/**
 * An operator set the model uses ({@code OperatorSetIdProto}).
 *
 * @param domain the operator domain; "" is the default ONNX domain ({@code ai.onnx})
 * @param version the operator set version
 */
public record OnnxOpsetImport(String domain, long version) {
    /** Checks the domain and version. */
    public OnnxOpsetImport {
        Objects.requireNonNull(domain, "domain");
        if (version < 1) {
            throw new IllegalArgumentException("opset version of domain '" + domain + "' is " + version
                    + ", expected >= 1");
        }
    }

    /** The default ONNX domain at the given version. */
    public static OnnxOpsetImport onnx(long version) {
        return new OnnxOpsetImport("", version);
    }
}
