package dev.retrievals.onnx;

import java.util.Arrays;

/**
 * A float matrix {@code [rows, columns]} (a MatMul's second input, {@code [in, out]}) quantized to
 * int8 per column (per output channel) with symmetric scales: {@code scale[j] = max_i |w[i][j]| / limit},
 * {@code q[i][j] = clamp(round_half_even(w[i][j] / scale[j]), -limit, limit)}, zero point 0, so
 * {@code w ≈ q * scale} with an error of at most {@code scale[j] / 2} per element. A column of zeros
 * gets scale 1 and all-zero values.
 *
 * <p>The limit is 127 (8-bit weights, the range ONNX Runtime's {@code quantize_dynamic} uses for
 * symmetric int8) or, with {@code reduceRange}, 64 (7-bit weights, as ONNX Runtime's reduce_range):
 * CPUs without AVX-512 VNNI multiply uint8 activations by int8 weights with {@code VPMADDUBSW},
 * which adds two products into a saturating int16; {@code 2 * 255 * 127 = 64770} can overflow it,
 * {@code 2 * 255 * 64 = 32640} cannot.
 *
 * @param rows the input dimension
 * @param columns the output dimension (one scale each)
 * @param values the quantized values, row-major {@code [rows, columns]}
 * @param scales one positive scale per column
 * @param limit the largest |value|: 127, or 64 for reduced-range weights
 */
public record Int8Weights(int rows, int columns, byte[] values, float[] scales, int limit) {
    /** The largest |value| of 8-bit symmetric weights. */
    public static final int FULL_RANGE_LIMIT = 127;
    /** The largest |value| of reduced-range (7-bit) symmetric weights. */
    public static final int REDUCED_RANGE_LIMIT = 64;

    /** Checks the sizes. */
    public Int8Weights {
        if (rows < 1 || columns < 1 || values.length != (long) rows * columns || scales.length != columns) {
            throw new IllegalArgumentException("int8 weights of [" + rows + ", " + columns + "] need " + (long) rows * columns
                    + " values and " + columns + " scales, got " + values.length + " and " + scales.length);
        }
        if (limit != FULL_RANGE_LIMIT && limit != REDUCED_RANGE_LIMIT) {
            throw new IllegalArgumentException("limit is " + limit + "; expected " + FULL_RANGE_LIMIT + " or " + REDUCED_RANGE_LIMIT);
        }
    }

    /**
     * Quantizes a row-major float matrix per column.
     *
     * @param matrix {@code rows * columns} finite floats, row-major
     * @param reduceRange 7-bit weights ({@value #REDUCED_RANGE_LIMIT}) instead of 8-bit ({@value #FULL_RANGE_LIMIT})
     * @throws IllegalArgumentException for a size that does not match or a value that is not finite
     */
    public static Int8Weights quantize(float[] matrix, int rows, int columns, boolean reduceRange) {
        if (rows < 1 || columns < 1 || matrix.length != (long) rows * columns) {
            throw new IllegalArgumentException("a [" + rows + ", " + columns + "] matrix needs " + (long) rows * columns
                    + " values, got " + matrix.length);
        }
        int limit = reduceRange ? REDUCED_RANGE_LIMIT : FULL_RANGE_LIMIT;
        float[] absMax = new float[columns];
        for (int i = 0; i < matrix.length; i++) {
            float value = matrix[i];
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("element [" + i / columns + ", " + i % columns + "] is " + value
                        + "; only finite weights can be quantized");
            }
            absMax[i % columns] = Math.max(absMax[i % columns], Math.abs(value));
        }
        float[] scales = new float[columns];
        for (int column = 0; column < columns; column++) {
            scales[column] = absMax[column] == 0 ? 1f : absMax[column] / limit;
        }
        byte[] values = new byte[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            double rounded = Math.rint(matrix[i] / scales[i % columns]);
            values[i] = (byte) Math.max(-limit, Math.min(limit, rounded));
        }
        return new Int8Weights(rows, columns, values, scales, limit);
    }

    /** The float matrix these weights stand for: {@code q * scale}, row-major. */
    public float[] dequantize() {
        float[] matrix = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            matrix[i] = values[i] * scales[i % columns];
        }
        return matrix;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Int8Weights that && rows == that.rows && columns == that.columns && limit == that.limit
                && Arrays.equals(values, that.values) && Arrays.equals(scales, that.scales);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + columns) + Arrays.hashCode(values) * 7 + Arrays.hashCode(scales) + limit;
    }

    @Override
    public String toString() {
        return "Int8Weights[" + rows + " x " + columns + ", limit " + limit + "]";
    }
}
