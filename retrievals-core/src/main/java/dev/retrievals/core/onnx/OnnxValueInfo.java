package dev.retrievals.core.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A graph input or output: its name, element type and shape.
 *
 * @param name the value's name
 * @param elementType the tensor element type
 * @param shape the axes, or null when the file gives no shape (unknown rank)
 */
public record OnnxValueInfo(String name, OnnxDataType elementType, List<OnnxDimension> shape) {
    /** Copies the shape and checks the name and type. */
    public OnnxValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = shape == null ? null : List.copyOf(shape);
    }

    /** A tensor value with the given axes. */
    public static OnnxValueInfo tensor(String name, OnnxDataType elementType, OnnxDimension... shape) {
        return new OnnxValueInfo(name, elementType, List.of(shape));
    }

    /** True when the file gives the shape. */
    public boolean hasShape() {
        return shape != null;
    }
}
