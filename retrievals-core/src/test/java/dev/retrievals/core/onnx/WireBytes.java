package dev.retrievals.core.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test helper: protobuf wire-format bytes written by hand, independent of the code under test. */
final class WireBytes {
    private WireBytes() {}

    static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long rest = value;
        do {
            int low = (int) (rest & 0x7F);
            rest >>>= 7;
            out.write(rest != 0 ? low | 0x80 : low);
        } while (rest != 0);
        return out.toByteArray();
    }

    /** A varint field (wire type 0). */
    static byte[] number(int field, long value) {
        return cat(varint((long) field << 3), varint(value));
    }

    /** A length-delimited field (wire type 2). */
    static byte[] bytes(int field, byte[]... payload) {
        byte[] joined = cat(payload);
        return cat(varint((long) field << 3 | 2), varint(joined.length), joined);
    }

    /** A string field. */
    static byte[] text(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A float field (wire type 5). */
    static byte[] float32(int field, float value) {
        return cat(varint((long) field << 3 | 5), littleEndian(4).putFloat(value).array());
    }

    static byte[] packedFloats(int field, float... values) {
        ByteBuffer buffer = littleEndian(4 * values.length);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return bytes(field, buffer.array());
    }

    static byte[] packedDoubles(int field, double... values) {
        ByteBuffer buffer = littleEndian(8 * values.length);
        for (double value : values) {
            buffer.putDouble(value);
        }
        return bytes(field, buffer.array());
    }

    static byte[] packedVarints(int field, long... values) {
        byte[][] encoded = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            encoded[i] = varint(values[i]);
        }
        return bytes(field, encoded);
    }

    static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
