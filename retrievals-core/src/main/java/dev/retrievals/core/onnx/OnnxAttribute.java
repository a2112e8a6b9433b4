package dev.retrievals.core.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A named attribute of a graph node ({@code AttributeProto}): one float, int, string or tensor, or
 * a list of floats, ints or strings. Sub-graph and sparse-tensor attributes are not supported.
 */
public final class OnnxAttribute {
    /** The kinds of attribute value, with ONNX's {@code AttributeType} codes. */
    public enum Type {
        /** One 32-bit float. */
        FLOAT(1),
        /** One 64-bit integer. */
        INT(2),
        /** One UTF-8 string. */
        STRING(3),
        /** One tensor. */
        TENSOR(4),
        /** A list of floats. */
        FLOATS(6),
        /** A list of 64-bit integers. */
        INTS(7),
        /** A list of strings. */
        STRINGS(8);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The number ONNX files use for this kind. */
        public int code() {
            return code;
        }
    }

    private final String name;
    private final Type type;
    private final Object value;

    private OnnxAttribute(String name, Type type, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an attribute needs a name");
        }
        this.name = name;
        this.type = type;
        this.value = Objects.requireNonNull(value, "value");
    }

    /** A float attribute. */
    public static OnnxAttribute ofFloat(String name, float value) {
        return new OnnxAttribute(name, Type.FLOAT, value);
    }

    /** An integer attribute. */
    public static OnnxAttribute ofInt(String name, long value) {
        return new OnnxAttribute(name, Type.INT, value);
    }

    /** A string attribute. */
    public static OnnxAttribute ofString(String name, String value) {
        return new OnnxAttribute(name, Type.STRING, value);
    }

    /** A tensor attribute (as in {@code Constant}). */
    public static OnnxAttribute ofTensor(String name, OnnxTensor value) {
        return new OnnxAttribute(name, Type.TENSOR, value);
    }

    /** A list-of-floats attribute. */
    public static OnnxAttribute ofFloats(String name, float... values) {
        return new OnnxAttribute(name, Type.FLOATS, values.clone());
    }

    /** A list-of-integers attribute (as in {@code Transpose}'s {@code perm}). */
    public static OnnxAttribute ofInts(String name, long... values) {
        return new OnnxAttribute(name, Type.INTS, values.clone());
    }

    /** A list-of-strings attribute. */
    public static OnnxAttribute ofStrings(String name, List<String> values) {
        return new OnnxAttribute(name, Type.STRINGS, List.copyOf(values));
    }

    /** The attribute's name. */
    public String name() {
        return name;
    }

    /** The kind of value held. */
    public Type type() {
        return type;
    }

    /** The value of a FLOAT attribute. */
    public float floatValue() {
        return (Float) expect(Type.FLOAT);
    }

    /** The value of an INT attribute. */
    public long intValue() {
        return (Long) expect(Type.INT);
    }

    /** The value of a STRING attribute. */
    public String stringValue() {
        return (String) expect(Type.STRING);
    }

    /** The value of a TENSOR attribute. */
    public OnnxTensor tensorValue() {
        return (OnnxTensor) expect(Type.TENSOR);
    }

    /** The values of a FLOATS attribute (a copy). */
    public float[] floatsValue() {
        return ((float[]) expect(Type.FLOATS)).clone();
    }

    /** The values of an INTS attribute (a copy). */
    public long[] intsValue() {
        return ((long[]) expect(Type.INTS)).clone();
    }

    /** The values of a STRINGS attribute. */
    @SuppressWarnings("unchecked")
    public List<String> stringsValue() {
        return (List<String>) expect(Type.STRINGS);
    }

    private Object expect(Type expected) {
        if (type != expected) {
            throw new OnnxFormatException("attribute '" + name + "' is " + type + ", not " + expected);
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnnxAttribute that && name.equals(that.name) && type == that.type
                && Objects.deepEquals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.deepHashCode(new Object[] {value}));
    }

    @Override
    public String toString() {
        String shown = switch (type) {
            case FLOATS -> Arrays.toString((float[]) value);
            case INTS -> Arrays.toString((long[]) value);
            default -> String.valueOf(value);
        };
        return name + "=" + shown;
    }
}
