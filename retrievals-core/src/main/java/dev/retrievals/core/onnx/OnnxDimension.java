package dev.retrievals.core.onnx;

/**
 * One axis of a graph input or output shape: a fixed size ({@code dim_value}), a named dynamic
 * size ({@code dim_param}, e.g. "batch"), or unknown (neither).
 *
 * @param value the fixed size, or -1 when the axis is dynamic or unknown
 * @param param the symbolic name of a dynamic axis, or null
 */
public record OnnxDimension(long value, String param) {
    /** Checks that exactly one kind of axis is described. */
    public OnnxDimension {
        if (param != null && value != -1) {
            throw new IllegalArgumentException("dimension has both a value (" + value + ") and a name (" + param + ")");
        }
        if (param == null && value < -1) {
            throw new IllegalArgumentException("dimension value " + value + " is negative");
        }
    }

    /** A fixed-size axis. */
    public static OnnxDimension fixed(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("dimension value " + value + " is negative");
        }
        return new OnnxDimension(value, null);
    }

    /** A dynamic axis with a symbolic name. */
    public static OnnxDimension dynamic(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a dynamic dimension needs a name");
        }
        return new OnnxDimension(-1, name);
    }

    /** An axis of unknown size without a name. */
    public static OnnxDimension unknown() {
        return new OnnxDimension(-1, null);
    }

    /** True for a fixed-size axis. */
    public boolean isFixed() {
        return value >= 0;
    }

    @Override
    public String toString() {
        return param != null ? param : value >= 0 ? Long.toString(value) : "?";
    }
}
