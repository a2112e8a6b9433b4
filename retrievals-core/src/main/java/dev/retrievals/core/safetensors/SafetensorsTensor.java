package dev.retrievals.core.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file: dtype, shape and the elements as little-endian bytes.
 * Tensors read from a file are views of its memory map (no copy).
 */
public final class SafetensorsTensor {
    private final String name;
    private final SafetensorsDType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private SafetensorsTensor(String name, SafetensorsDType dtype, long[] shape, ByteBuffer data) {
        if (name == null || name.isEmpty() || name.equals(SafetensorsFile.METADATA_KEY)) {
            throw new SafetensorsFormatException("tensor name '" + name + "' is empty or reserved");
        }
        this.name = name;
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        long expected = byteSize(dtype, this.shape, name);
        if (this.data.remaining() != expected) {
            throw new SafetensorsFormatException("tensor '" + name + "': " + this.data.remaining() + " bytes, but "
                    + dtype + " " + Arrays.toString(shape) + " needs " + expected);
        }
    }

    /** The bytes a tensor of this dtype and shape takes; fails on negative or overflowing sizes. */
    static long byteSize(SafetensorsDType dtype, long[] shape, String name) {
        long elements = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new SafetensorsFormatException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has a negative size");
            }
            try {
                elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " is too large", e);
            }
        }
        return elements * dtype.byteSize();
    }

    /** A tensor over the remaining bytes of {@code littleEndianData}, used as is (not copied). */
    public static SafetensorsTensor of(String name, SafetensorsDType dtype, long[] shape, ByteBuffer littleEndianData) {
        return new SafetensorsTensor(name, dtype, shape, littleEndianData);
    }

    /** An F32 tensor holding a copy of {@code values}. */
    public static SafetensorsTensor ofFloats(String name, long[] shape, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new SafetensorsTensor(name, SafetensorsDType.F32, shape, bytes);
    }

    /** An I64 tensor holding a copy of {@code values}. */
    public static SafetensorsTensor ofLongs(String name, long[] shape, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return new SafetensorsTensor(name, SafetensorsDType.I64, shape, bytes);
    }

    /** A copy of a DJL array (its dtype must be storable, see {@link SafetensorsDType#fromDjl}). */
    public static SafetensorsTensor fromNDArray(String name, NDArray array) {
        return new SafetensorsTensor(name, SafetensorsDType.fromDjl(array.getDataType()), array.getShape().getShape(),
                TensorBytes.littleEndianBytes(array));
    }

    /** The tensor's name (a Hugging Face parameter name such as {@code encoder.layer.0.output.dense.weight}). */
    public String name() {
        return name;
    }

    /** The element type. */
    public SafetensorsDType dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public long elementCount() {
        return data.remaining() / dtype.byteSize();
    }

    /** The elements as a read-only little-endian view (no copy). */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements of a float tensor (F32, or F64, F16, BF16 converted) as floats. */
    public float[] toFloatArray() {
        ByteBuffer floats = switch (dtype) {
            case F32 -> data();
            case F16 -> TensorBytes.float16ToFloat32(data);
            case BF16 -> TensorBytes.bfloat16ToFloat32(data);
            case F64 -> {
                ByteBuffer narrowed = ByteBuffer.allocate(data.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer source = data();
                while (source.hasRemaining()) {
                    narrowed.putFloat((float) source.getDouble());
                }
                yield narrowed.flip();
            }
            default -> throw new SafetensorsFormatException("tensor '" + name + "' holds " + dtype + ", not floats");
        };
        float[] values = new float[floats.remaining() / 4];
        floats.asFloatBuffer().get(values);
        return values;
    }

    /** The elements of an I64 tensor. */
    public long[] toLongArray() {
        if (dtype != SafetensorsDType.I64) {
            throw new SafetensorsFormatException("tensor '" + name + "' holds " + dtype + ", not I64");
        }
        long[] values = new long[(int) elementCount()];
        data().asLongBuffer().get(values);
        return values;
    }

    /**
     * A copy of this tensor as a DJL array attached to {@code manager}. BF16 is widened to float32
     * in Java (exactly); DJL never sees a bfloat16 array, which would abort the JVM.
     */
    public NDArray toNDArray(NDManager manager) {
        String what = "safetensors tensor '" + name + "'";
        Shape djlShape = new Shape(shape);
        if (dtype == SafetensorsDType.BF16) {
            return TensorBytes.toNDArray(manager, TensorBytes.bfloat16ToFloat32(data), djlShape,
                    dtype.djlType().orElseThrow(), what);
        }
        return TensorBytes.toNDArray(manager, data, djlShape, dtype.djlType().orElseThrow(
                () -> new SafetensorsFormatException(what + ": " + dtype + " has no DJL array type here")), what);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SafetensorsTensor that && name.equals(that.name) && dtype == that.dtype
                && Arrays.equals(shape, that.shape) && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "SafetensorsTensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
    }
}
