package dev.retrievals.core.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one protobuf message for writing. Large byte fields and nested messages are kept by
 * reference and streamed by {@link #writeTo}, so tensor data is never copied into a message buffer.
 * A nested message must be complete before it is added (its length is written at that point).
 */
final class ProtoMessage {
    private final List<Object> parts = new ArrayList<>();
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long flushedSize;

    /** Adds a varint field (int32, int64, enum); negative values take ten bytes, as protobuf does. */
    ProtoMessage varint(int field, long value) {
        tag(field, ProtoReader.VARINT);
        writeVarint(pending, value);
        return this;
    }

    /** Adds a float field. */
    ProtoMessage float32(int field, float value) {
        tag(field, ProtoReader.FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            pending.write(bits >>> (8 * i));
        }
        return this;
    }

    /** Adds a UTF-8 string field. */
    ProtoMessage string(int field, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        tag(field, ProtoReader.LENGTH_DELIMITED);
        writeVarint(pending, utf8.length);
        pending.writeBytes(utf8);
        return this;
    }

    /** Adds a bytes field holding the buffer's remaining bytes, by reference. */
    ProtoMessage bytes(int field, ByteBuffer value) {
        tag(field, ProtoReader.LENGTH_DELIMITED);
        writeVarint(pending, value.remaining());
        flush();
        parts.add(value.duplicate());
        flushedSize += value.remaining();
        return this;
    }

    /** Adds a nested message, by reference. */
    ProtoMessage message(int field, ProtoMessage value) {
        long length = value.size();
        if (length > Integer.MAX_VALUE) {
            throw new OnnxFormatException("a message of " + length + " bytes exceeds protobuf's 2 GB limit");
        }
        tag(field, ProtoReader.LENGTH_DELIMITED);
        writeVarint(pending, length);
        flush();
        parts.add(value);
        flushedSize += length;
        return this;
    }

    /** The encoded size in bytes. */
    long size() {
        return flushedSize + pending.size();
    }

    /** Streams the encoded message. */
    void writeTo(OutputStream out) throws IOException {
        byte[] chunk = null;
        for (Object part : parts) {
            if (part instanceof byte[] bytes) {
                out.write(bytes);
            } else if (part instanceof ProtoMessage nested) {
                nested.writeTo(out);
            } else {
                ByteBuffer buffer = ((ByteBuffer) part).duplicate();
                if (buffer.hasArray()) {
                    out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                } else {
                    chunk = chunk == null ? new byte[1 << 16] : chunk;
                    while (buffer.hasRemaining()) {
                        int count = Math.min(chunk.length, buffer.remaining());
                        buffer.get(chunk, 0, count);
                        out.write(chunk, 0, count);
                    }
                }
            }
        }
        pending.writeTo(out);
    }

    private void tag(int field, int wireType) {
        writeVarint(pending, (long) field << 3 | wireType);
    }

    private void flush() {
        if (pending.size() > 0) {
            parts.add(pending.toByteArray());
            flushedSize += pending.size();
            pending = new ByteArrayOutputStream();
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) (rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }
}
