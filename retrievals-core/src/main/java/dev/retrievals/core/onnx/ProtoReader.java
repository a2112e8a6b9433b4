package dev.retrievals.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format from one byte array without copying it: nested messages are
 * readers over a sub-range, byte fields are read-only slices of the same array.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private final String source;
    private final int limit;
    private int position;

    ProtoReader(byte[] bytes, int offset, int limit, String source) {
        this.bytes = bytes;
        this.position = offset;
        this.limit = limit;
        this.source = source;
    }

    /** True while the current message has bytes left. */
    boolean hasMore() {
        return position < limit;
    }

    /** The field number of a tag. */
    static int fieldNumber(int tag) {
        return tag >>> 3;
    }

    /** The wire type of a tag. */
    static int wireType(int tag) {
        return tag & 7;
    }

    /** Reads a field tag and checks that its field number and wire type are possible. */
    int readTag() {
        int start = position;
        long tag = readVarint();
        int wireType = (int) (tag & 7);
        if (tag >>> 3 == 0 || tag >>> 3 > 0x1FFFFFFF) {
            throw error(start, "field number " + (tag >>> 3) + " is not a valid protobuf field number");
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED && wireType != FIXED32) {
            throw error(start, "wire type " + wireType + " (field " + (tag >>> 3) + ") is not used by ONNX");
        }
        return (int) tag;
    }

    /** Reads a base-128 varint of up to ten bytes. */
    long readVarint() {
        int start = position;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw error(start, "the varint runs past the end of its message (truncated?)");
            }
            byte b = bytes[position++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw error(start, "a varint is longer than ten bytes");
    }

    /** Reads four little-endian bytes. */
    int readFixed32() {
        require(4);
        int value = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8
                | (bytes[position + 2] & 0xFF) << 16 | (bytes[position + 3] & 0xFF) << 24;
        position += 4;
        return value;
    }

    /** Reads eight little-endian bytes. */
    long readFixed64() {
        long low = readFixed32() & 0xFFFFFFFFL;
        long high = readFixed32() & 0xFFFFFFFFL;
        return low | high << 32;
    }

    /** Reads the length prefix of a length-delimited field and checks it fits the message. */
    int readLength() {
        int start = position;
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw error(start, "a field of " + length + " bytes runs past the end of its message ("
                    + (limit - position) + " bytes left; truncated file?)");
        }
        return (int) length;
    }

    /** Reads a nested message as a reader over its bytes. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader nested = new ProtoReader(bytes, position, position + length, source);
        position += length;
        return nested;
    }

    /** Reads a UTF-8 string field. */
    String readString() {
        int length = readLength();
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** Reads a bytes field as a little-endian slice of the underlying array (no copy). */
    ByteBuffer readBytes() {
        int length = readLength();
        ByteBuffer slice = ByteBuffer.wrap(bytes, position, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        position += length;
        return slice;
    }

    /** Skips the value of a field of the given wire type. */
    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                require(8);
                position += 8;
            }
            case FIXED32 -> {
                require(4);
                position += 4;
            }
            case LENGTH_DELIMITED -> {
                int length = readLength();
                position += length;
            }
            default -> throw error(position, "cannot skip wire type " + wireType);
        }
    }

    /** Fails unless the tag has the expected wire type. */
    void expectWireType(int tag, int expected, String field) {
        if (wireType(tag) != expected) {
            throw error(position, "field '" + field + "' has wire type " + wireType(tag) + ", expected " + expected);
        }
    }

    /** Reads a repeated varint field, packed or not, appending each value. */
    void readVarints(int tag, LongArray into) {
        if (wireType(tag) == LENGTH_DELIMITED) {
            ProtoReader packed = readMessage();
            while (packed.hasMore()) {
                into.add(packed.readVarint());
            }
        } else if (wireType(tag) == VARINT) {
            into.add(readVarint());
        } else {
            throw error(position, "a repeated integer field has wire type " + wireType(tag));
        }
    }

    /**
     * Reads a repeated fixed-width field (float, double) of {@code width} bytes, packed or not, as
     * its little-endian bytes.
     */
    ByteBuffer readFixedWidthBytes(int tag, int width) {
        if (wireType(tag) == LENGTH_DELIMITED) {
            int start = position;
            ByteBuffer packed = readBytes();
            if (packed.remaining() % width != 0) {
                throw error(start, "a packed field of " + packed.remaining() + " bytes is not a multiple of " + width);
            }
            return packed;
        }
        int expected = width == 4 ? FIXED32 : FIXED64;
        if (wireType(tag) != expected) {
            throw error(position, "a repeated " + width + "-byte field has wire type " + wireType(tag));
        }
        require(width);
        ByteBuffer single = ByteBuffer.wrap(bytes, position, width).slice().order(ByteOrder.LITTLE_ENDIAN);
        position += width;
        return single;
    }

    /** An error at the current position naming the source. */
    OnnxFormatException error(String problem) {
        return error(position, problem);
    }

    private void require(int count) {
        if (limit - position < count) {
            throw error(position, count + " bytes are needed but only " + (limit - position)
                    + " are left in the message (truncated file?)");
        }
    }

    private OnnxFormatException error(int at, String problem) {
        return new OnnxFormatException(source + ": not a valid ONNX model (protobuf ModelProto expected): at byte "
                + at + ", " + problem);
    }
}
