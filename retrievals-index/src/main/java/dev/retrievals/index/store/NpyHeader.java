package dev.retrievals.index.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format version 1.0) for a C-order little-endian float32
 * matrix: the magic {@code \x93NUMPY}, the version, the header length and a Python dict literal
 * padded with spaces to a multiple of 64 bytes and ending in a newline, as NumPy writes it. The
 * data follow the header row after row, so {@code numpy.load(file, mmap_mode="r")} reads the file
 * as it is.
 */
public final class NpyHeader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),?\\s*\\)");

    private final long rows;
    private final int columns;
    private final int length;

    private NpyHeader(long rows, int columns, int length) {
        this.rows = rows;
        this.columns = columns;
        this.length = length;
    }

    /** The header of a {@code [rows, columns]} float32 matrix. */
    public static NpyHeader of(long rows, int columns) {
        return new NpyHeader(rows, columns, bytes(rows, columns).length);
    }

    /** The header's bytes. */
    public byte[] bytes() {
        return bytes(rows, columns);
    }

    private static byte[] bytes(long rows, int columns) {
        String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, columns);
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return buffer.array();
    }

    /**
     * Reads a header written by {@link #of} (or by NumPy for a float32 C-order matrix).
     *
     * @param start the file's first bytes (at least the whole header)
     * @param file the file, for messages
     * @throws IllegalArgumentException naming the file and what was expected
     */
    public static NpyHeader parse(ByteBuffer start, String file) {
        ByteBuffer buffer = start.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.remaining() < 10) {
            throw new IllegalArgumentException(file + " is too short for a .npy header");
        }
        for (byte magic : MAGIC) {
            if (buffer.get() != magic) {
                throw new IllegalArgumentException(file + " is not a .npy file (expected the magic \\x93NUMPY)");
            }
        }
        int major = buffer.get();
        buffer.get();
        if (major != 1) {
            throw new IllegalArgumentException(file + " is .npy format version " + major + "; expected 1");
        }
        int textLength = Short.toUnsignedInt(buffer.getShort());
        if (buffer.remaining() < textLength) {
            throw new IllegalArgumentException(file + " ends inside its .npy header");
        }
        byte[] text = new byte[textLength];
        buffer.get(text);
        String dict = new String(text, StandardCharsets.US_ASCII);
        if (!dict.contains("'descr': '<f4'") || !dict.contains("'fortran_order': False")) {
            throw new IllegalArgumentException(file + " holds " + dict.strip() + "; expected a C-order little-endian float32 matrix ('<f4')");
        }
        Matcher shape = SHAPE.matcher(dict);
        if (!shape.find()) {
            throw new IllegalArgumentException(file + " holds " + dict.strip() + "; expected a two-dimensional shape");
        }
        return new NpyHeader(Long.parseLong(shape.group(1)), Integer.parseInt(shape.group(2)), MAGIC.length + 4 + textLength);
    }

    /** The number of rows. */
    public long rows() {
        return rows;
    }

    /** The number of columns. */
    public int columns() {
        return columns;
    }

    /** The header's length in bytes: where the data start. */
    public int length() {
        return length;
    }

    /** The file's whole length: header plus {@code rows * columns * 4} bytes. */
    public long fileLength() {
        return length + rows * columns * Float.BYTES;
    }
}
