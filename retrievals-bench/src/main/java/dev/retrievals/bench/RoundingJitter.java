package dev.retrievals.bench;

import dev.retrievals.onnx.Int8Weights;

/**
 * Quantizes a float weight matrix again with each column's scale grown a little, so that the int8 values round another
 * way at nearly the same fidelity: {@code scale'[j] = (float) (scale[j] * (1 + growth[j]))} and
 * {@code q[i][j] = clamp(round_half_even(w[i][j] / scale'[j]), -limit, limit)}, the rounding and clamp of
 * {@link Int8Weights#quantize}. With {@code scale[j] = max_i |w[i][j]| / limit} and a growth of at least 0 no value
 * reaches past the limit, so the clamp never bites and every element stays within {@code scale'[j] / 2} of its float.
 */
public final class RoundingJitter {
    private RoundingJitter() {}

    /**
     * The matrix quantized with the grown scales.
     *
     * @param matrix {@code rows * columns} floats, row-major ({@code [in, out]}, a MatMul's second input)
     * @param scales one positive scale per column (the quantization's own)
     * @param growth one relative growth per column, each above -1 (0 keeps the scale)
     * @param limit the largest |value|: {@link Int8Weights#FULL_RANGE_LIMIT} or {@link Int8Weights#REDUCED_RANGE_LIMIT}
     * @throws IllegalArgumentException for sizes that do not match, a scale that is not positive or a growth of -1 or less
     */
    public static Int8Weights requantize(float[] matrix, int rows, int columns, float[] scales, double[] growth, int limit) {
        if (rows < 1 || columns < 1 || matrix.length != (long) rows * columns || scales.length != columns || growth.length != columns) {
            throw new IllegalArgumentException("a [" + rows + ", " + columns + "] matrix needs " + (long) rows * columns + " values, "
                    + columns + " scales and " + columns + " growths; got " + matrix.length + ", " + scales.length + " and " + growth.length);
        }
        float[] grown = new float[columns];
        for (int column = 0; column < columns; column++) {
            if (!(scales[column] > 0) || !(growth[column] > -1)) {
                throw new IllegalArgumentException("column " + column + ": scale " + scales[column] + " and growth " + growth[column]
                        + "; expected a positive scale and a growth above -1");
            }
            grown[column] = (float) (scales[column] * (1 + growth[column]));
        }
        byte[] values = new byte[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            double rounded = Math.rint(matrix[i] / grown[i % columns]);
            values[i] = (byte) Math.max(-limit, Math.min(limit, rounded));
        }
        return new Int8Weights(rows, columns, values, grown, limit);
    }
}
