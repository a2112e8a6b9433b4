package dev.retrievals.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.safetensors.TensorBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor of an ONNX graph (an initializer or a tensor attribute): element type, dims and
 * the elements as little-endian bytes, whatever field of {@code TensorProto} held them in the file.
 * Tensors read from a file share the file's byte array instead of copying it.
 */
public final class OnnxTensor {
    private final String name;
    private final OnnxDataType dataType;
    private final long[] dims;
    private final ByteBuffer data;

    private OnnxTensor(String name, OnnxDataType dataType, long[] dims, ByteBuffer data) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        this.dims = dims.clone();
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (dataType == OnnxDataType.STRING) {
            throw new OnnxFormatException("tensor '" + name + "': STRING tensors are not supported");
        }
        long elements = 1;
        for (long dim : dims) {
            if (dim < 0) {
                throw new OnnxFormatException("tensor '" + name + "': dims " + Arrays.toString(dims)
                        + " contain a negative size");
            }
            elements = Math.multiplyExact(elements, dim);
        }
        long expected = Math.multiplyExact(elements, (long) dataType.byteSize());
        if (this.data.remaining() != expected) {
            throw new OnnxFormatException("tensor '" + name + "': " + this.data.remaining() + " bytes of data, expected "
                    + expected + " (" + elements + " " + dataType + " elements of dims " + Arrays.toString(dims) + ")");
        }
    }

    /**
     * A tensor over the remaining bytes of {@code littleEndianData}, used as is (not copied): do not
     * change the buffer afterwards.
     */
    public static OnnxTensor of(String name, OnnxDataType dataType, long[] dims, ByteBuffer littleEndianData) {
        return new OnnxTensor(name, dataType, dims, littleEndianData);
    }

    /** A FLOAT tensor holding a copy of {@code values}. */
    public static OnnxTensor ofFloats(String name, long[] dims, float... values) {
        ByteBuffer bytes = allocate(values.length, 4);
        bytes.asFloatBuffer().put(values);
        return new OnnxTensor(name, OnnxDataType.FLOAT, dims, bytes);
    }

    /** An INT64 tensor holding a copy of {@code values}. */
    public static OnnxTensor ofLongs(String name, long[] dims, long... values) {
        ByteBuffer bytes = allocate(values.length, 8);
        bytes.asLongBuffer().put(values);
        return new OnnxTensor(name, OnnxDataType.INT64, dims, bytes);
    }

    /** An INT32 tensor holding a copy of {@code values}. */
    public static OnnxTensor ofInts(String name, long[] dims, int... values) {
        ByteBuffer bytes = allocate(values.length, 4);
        bytes.asIntBuffer().put(values);
        return new OnnxTensor(name, OnnxDataType.INT32, dims, bytes);
    }

    /** A DOUBLE tensor holding a copy of {@code values}. */
    public static OnnxTensor ofDoubles(String name, long[] dims, double... values) {
        ByteBuffer bytes = allocate(values.length, 8);
        bytes.asDoubleBuffer().put(values);
        return new OnnxTensor(name, OnnxDataType.DOUBLE, dims, bytes);
    }

    /** A tensor holding a copy of a DJL array's elements and shape. */
    public static OnnxTensor fromNDArray(String name, NDArray array) {
        return new OnnxTensor(name, OnnxDataType.fromDjl(array.getDataType()), array.getShape().getShape(),
                TensorBytes.littleEndianBytes(array));
    }

    private static ByteBuffer allocate(int count, int width) {
        return ByteBuffer.allocate(Math.multiplyExact(count, width)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The tensor's name (the initializer name), possibly empty for attribute tensors. */
    public String name() {
        return name;
    }

    /** The element type. */
    public OnnxDataType dataType() {
        return dataType;
    }

    /** The dimensions (a copy). */
    public long[] dims() {
        return dims.clone();
    }

    /** The number of elements: the product of the dims. */
    public long elementCount() {
        return data.remaining() / dataType.byteSize();
    }

    /** The elements as a read-only little-endian view (no copy). */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The same data and type under another name. */
    public OnnxTensor withName(String newName) {
        return new OnnxTensor(newName, dataType, dims, data);
    }

    /** The elements of a FLOAT tensor. */
    public float[] toFloatArray() {
        requireType(OnnxDataType.FLOAT);
        float[] values = new float[(int) elementCount()];
        data().asFloatBuffer().get(values);
        return values;
    }

    /** The elements of an INT64 tensor. */
    public long[] toLongArray() {
        requireType(OnnxDataType.INT64);
        long[] values = new long[(int) elementCount()];
        data().asLongBuffer().get(values);
        return values;
    }

    /** The elements of an INT32 tensor. */
    public int[] toIntArray() {
        requireType(OnnxDataType.INT32);
        int[] values = new int[(int) elementCount()];
        data().asIntBuffer().get(values);
        return values;
    }

    /** The elements of a DOUBLE tensor. */
    public double[] toDoubleArray() {
        requireType(OnnxDataType.DOUBLE);
        double[] values = new double[(int) elementCount()];
        data().asDoubleBuffer().get(values);
        return values;
    }

    /**
     * A copy of this tensor as a DJL array attached to {@code manager}; BFLOAT16 is widened to
     * float32 in Java (DJL's bfloat16 arrays abort the JVM).
     */
    public NDArray toNDArray(NDManager manager) {
        Shape shape = new Shape(dims);
        if (dataType == OnnxDataType.BFLOAT16) {
            return TensorBytes.toNDArray(manager, TensorBytes.bfloat16ToFloat32(data), shape,
                    OnnxDataType.FLOAT.djlType(), "ONNX tensor '" + name + "'");
        }
        if (dataType.djlType() == null) {
            throw new OnnxFormatException("ONNX tensor '" + name + "': " + dataType + " has no DJL array type");
        }
        return TensorBytes.toNDArray(manager, data, shape, dataType.djlType(), "ONNX tensor '" + name + "'");
    }

    private void requireType(OnnxDataType expected) {
        if (dataType != expected) {
            throw new OnnxFormatException("tensor '" + name + "' holds " + dataType + ", not " + expected);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnnxTensor that && name.equals(that.name) && dataType == that.dataType
                && Arrays.equals(dims, that.dims) && data.equals(that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dataType, Arrays.hashCode(dims), data);
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + ", " + dataType + ", " + Arrays.toString(dims) + "]";
    }
}
