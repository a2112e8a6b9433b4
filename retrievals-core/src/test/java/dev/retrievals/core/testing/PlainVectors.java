package dev.retrievals.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reference arithmetic on vectors for tests, written independently of the code under test: cosine
 * similarity and unit length summed in double, and a reader of float32 NumPy {@code .npy} files that
 * follows NumPy's published format description (shared through retrievals-core's test-jar).
 */
public final class PlainVectors {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)");

    private PlainVectors() {}

    /** Cosine similarity summed sequentially in double over the raw vectors; 0 when either is all zeros. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The vector divided by its length computed in double, each element rounded to float once. */
    public static float[] unit(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += (double) value * value;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / Math.sqrt(norm));
        }
        return unit;
    }

    /**
     * Reads a float32, C-order, little-endian {@code .npy} file of format version 1.0: the magic
     * {@code \x93NUMPY}, two version bytes, a little-endian header length, a dict literal padded so
     * the data start at a multiple of 64 bytes and ending in a newline, then the rows.
     *
     * @throws IOException when the file does not follow that layout exactly
     */
    public static float[][] readNpy(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        bytes.get(magic);
        require(Arrays.equals(magic, MAGIC), file, "no NumPy magic");
        require(bytes.get() == 1 && bytes.get() == 0, file, "not format version 1.0");
        int headerLength = Short.toUnsignedInt(bytes.getShort());
        require((10 + headerLength) % 64 == 0, file, "data not aligned to 64 bytes");
        byte[] header = new byte[headerLength];
        bytes.get(header);
        String dict = new String(header, StandardCharsets.US_ASCII);
        require(dict.endsWith("\n") && dict.contains("'descr': '<f4'") && dict.contains("'fortran_order': False"), file,
                "not a little-endian float32 C-order header: " + dict.strip());
        Matcher shape = SHAPE.matcher(dict);
        require(shape.find(), file, "no two-dimensional shape in " + dict.strip());
        float[][] matrix = new float[Integer.parseInt(shape.group(1))][Integer.parseInt(shape.group(2))];
        require(bytes.remaining() == (long) matrix.length * (matrix.length == 0 ? 0 : matrix[0].length) * Float.BYTES, file,
                bytes.remaining() + " data bytes do not fit the shape");
        for (float[] row : matrix) {
            for (int j = 0; j < row.length; j++) {
                row[j] = bytes.getFloat();
            }
        }
        return matrix;
    }

    private static void require(boolean condition, Path file, String problem) throws IOException {
        if (!condition) {
            throw new IOException(file + ": " + problem);
        }
    }
}
