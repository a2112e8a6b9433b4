package dev.retrievals.core.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves little-endian tensor bytes (as stored in safetensors and ONNX files) into DJL arrays and
 * back, shared by the file formats of this project.
 */
public final class TensorBytes {
    private TensorBytes() {}

    /**
     * Copies {@code littleEndian}'s remaining bytes once into native memory of {@code manager} and
     * returns them as an array; the array never aliases the source (which may be a read-only file
     * mapping). {@code BFLOAT16} is refused: such arrays abort the JVM in DJL's PyTorch engine;
     * convert with {@link #bfloat16ToFloat32(ByteBuffer)} first.
     */
    public static NDArray toNDArray(NDManager manager, ByteBuffer littleEndian, Shape shape, DataType type, String what) {
        if (type == DataType.BFLOAT16) {
            throw new RetrievalsException(what + ": bfloat16 arrays are refused (they abort the JVM in DJL 0.36);"
                    + " convert to float32 first");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && type.getNumOfBytes() > 1) {
            throw new RetrievalsException(what + ": tensor files are little-endian; this platform is not");
        }
        long expected = shape.size() * type.getNumOfBytes();
        if (littleEndian.remaining() != expected) {
            throw new RetrievalsException(what + ": " + littleEndian.remaining() + " bytes for shape " + shape
                    + " of " + type + ", expected " + expected);
        }
        ByteBuffer copy = manager.allocateDirect(littleEndian.remaining());
        copy.put(littleEndian.duplicate());
        copy.rewind();
        return manager.create(copy, shape, type);
    }

    /** Widens bfloat16 values (2 bytes each, little-endian) to float32 exactly: the bits move up 16 places. */
    public static ByteBuffer bfloat16ToFloat32(ByteBuffer littleEndian) {
        ByteBuffer source = littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer widened = ByteBuffer.allocate(source.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (source.remaining() >= 2) {
            widened.putInt((source.getShort() & 0xFFFF) << 16);
        }
        return widened.flip();
    }

    /** Widens IEEE half floats (2 bytes each, little-endian) to float32 exactly. */
    public static ByteBuffer float16ToFloat32(ByteBuffer littleEndian) {
        ByteBuffer source = littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer widened = ByteBuffer.allocate(source.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (source.remaining() >= 2) {
            widened.putFloat(halfToFloat(source.getShort()));
        }
        return widened.flip();
    }

    /** One IEEE half float (sign, 5 exponent bits, 10 mantissa bits) as a float. */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    /** The array's elements as little-endian bytes (a fresh buffer). */
    public static ByteBuffer littleEndianBytes(NDArray array) {
        ByteBuffer bytes = array.toByteBuffer();
        if (bytes.order() != ByteOrder.LITTLE_ENDIAN && array.getDataType().getNumOfBytes() > 1) {
            throw new RetrievalsException("tensor files are little-endian; this platform is not");
        }
        return bytes.order(ByteOrder.LITTLE_ENDIAN);
    }
}
