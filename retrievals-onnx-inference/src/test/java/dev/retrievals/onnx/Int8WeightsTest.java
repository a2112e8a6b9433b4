package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Per-channel symmetric int8 weights against plain double arithmetic written out here. */
class Int8WeightsTest {
    private static final int ROWS = 37;
    private static final int COLUMNS = 11;

    private static float[] randomMatrix(long seed) {
        Random random = new Random(seed);
        float[] matrix = new float[ROWS * COLUMNS];
        for (int i = 0; i < matrix.length; i++) {
            // columns of very different magnitudes, so one scale per column matters
            matrix[i] = (float) (random.nextGaussian() * Math.pow(10, (i % COLUMNS) % 4 - 2));
        }
        return matrix;
    }

    @ParameterizedTest(name = "reduceRange={0}")
    @ValueSource(booleans = {false, true})
    void scalesValuesAndErrorFollowThePerColumnFormula(boolean reduceRange) {
        float[] matrix = randomMatrix(7);
        Int8Weights q = Int8Weights.quantize(matrix, ROWS, COLUMNS, reduceRange);
        int limit = reduceRange ? 64 : 127;
        assertThat(q.limit()).isEqualTo(limit);
        float[] restored = q.dequantize();
        for (int column = 0; column < COLUMNS; column++) {
            double absMax = 0;
            for (int row = 0; row < ROWS; row++) {
                absMax = Math.max(absMax, Math.abs((double) matrix[row * COLUMNS + column]));
            }
            double scale = absMax / limit;
            assertThat((double) q.scales()[column]).isCloseTo(scale, org.assertj.core.data.Percentage.withPercentage(1e-4));
            boolean reachesLimit = false;
            for (int row = 0; row < ROWS; row++) {
                int i = row * COLUMNS + column;
                double exact = matrix[i] / scale;
                int value = q.values()[i];
                assertThat(Math.abs(value)).isLessThanOrEqualTo(limit);
                assertThat(Math.abs(value - exact)).as("rounding of [%d, %d]", row, column).isLessThanOrEqualTo(0.5 + 1e-4);
                assertThat(Math.abs(restored[i] - (double) matrix[i])).isLessThanOrEqualTo(scale / 2 * (1 + 1e-4));
                reachesLimit |= Math.abs(value) == limit;
            }
            assertThat(reachesLimit).as("the largest |weight| of column %d maps to the limit", column).isTrue();
        }
    }

    @Test
    void roundsHalfToEvenAndSaturatesAtTheLimit() {
        // one column: absmax 127 -> scale 1; 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 127 -> 127, -127 -> -127
        float[] matrix = {2.5f, 3.5f, -2.5f, 127f, -127f, 0.49f};
        Int8Weights q = Int8Weights.quantize(matrix, 6, 1, false);
        assertThat(q.scales()[0]).isEqualTo(1f);
        assertThat(q.values()).containsExactly(2, 4, -2, 127, -127, 0);
        // 7-bit: absmax 64 -> scale 1; the same values saturate at +-64
        float[] reduced = {2.5f, 64f, -64f, 63.5f, -0.5f};
        Int8Weights q7 = Int8Weights.quantize(reduced, 5, 1, true);
        assertThat(q7.scales()[0]).isEqualTo(1f);
        assertThat(q7.values()).containsExactly(2, 64, -64, 64, 0);
        assertThat(q7.dequantize()).containsExactly(2f, 64f, -64f, 64f, 0f);
    }

    @Test
    void aZeroColumnGetsScaleOneAndZeros() {
        float[] matrix = {0f, 1f, 0f, -2f};
        Int8Weights q = Int8Weights.quantize(matrix, 2, 2, false);
        assertThat(q.scales()[0]).isEqualTo(1f);
        assertThat(q.values()[0]).isZero();
        assertThat(q.values()[2]).isZero();
        assertThat(q.scales()[1]).isEqualTo(2f / 127);
        assertThat(Math.abs(q.values()[1] * (2.0 / 127) - 1)).isLessThanOrEqualTo(1.0 / 127 + 1e-6);
        assertThat(q.values()[3]).isEqualTo((byte) -127);
    }

    @Test
    void refusesNonFiniteWeightsAndWrongSizes() {
        assertThatThrownBy(() -> Int8Weights.quantize(new float[] {1f, Float.NaN}, 1, 2, false))
                .hasMessageContaining("element [0, 1]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Int8Weights.quantize(new float[3], 2, 2, false)).hasMessageContaining("[2, 2]");
    }
}
