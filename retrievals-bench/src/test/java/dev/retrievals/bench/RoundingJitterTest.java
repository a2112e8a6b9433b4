package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.onnx.Int8Weights;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundingJitterTest {

    @Test
    void eachScaleGrowsByItsFactorAndEveryValueRoundsHalfToEven() {
        // column 0: scale 1, no growth; column 1: scale 0.5 doubled to 1
        float[] matrix = {
            2.5f, 5f,
            3.5f, -0.5f,
            -2.5f, 1.5f,
            0.49f, 126.6f};
        Int8Weights q = RoundingJitter.requantize(matrix, 4, 2, new float[] {1f, 0.5f}, new double[] {0, 1}, 127);

        assertThat(q.scales()).containsExactly(1f, 1f);
        assertThat(q.values()).containsExactly(2, 5, 4, 0, -2, 2, 0, 127);
        assertThat(q.limit()).isEqualTo(127);
    }

    @Test
    void withoutGrowthItIsTheQuantizationOfTheAbsMaxScales() {
        for (boolean reduceRange : new boolean[] {false, true}) {
            int limit = reduceRange ? 64 : 127;
            float[] matrix = randomMatrix(new SplittableRandom(5), 30, 7);
            float[] scales = absMaxOverLimit(matrix, 7, limit);

            Int8Weights q = RoundingJitter.requantize(matrix, 30, 7, scales, new double[7], limit);

            assertThat(q).isEqualTo(Int8Weights.quantize(matrix, 30, 7, reduceRange));
        }
    }

    @Test
    void grownScalesKeepEveryValueWithinTheLimitAndHalfAStepOfItsFloat() {
        SplittableRandom random = new SplittableRandom(9);
        int rows = 200;
        int columns = 16;
        for (int limit : new int[] {127, 64}) {
            float[] matrix = randomMatrix(random, rows, columns);
            float[] scales = absMaxOverLimit(matrix, columns, limit);
            double[] growth = new double[columns];
            for (int j = 0; j < columns; j++) {
                growth[j] = random.nextDouble() * 0.05;
            }

            Int8Weights q = RoundingJitter.requantize(matrix, rows, columns, scales, growth, limit);

            int changed = 0;
            Int8Weights plain = Int8Weights.quantize(matrix, rows, columns, limit == 64);
            for (int i = 0; i < matrix.length; i++) {
                int j = i % columns;
                double step = scales[j] * (1 + growth[j]);
                assertThat(q.scales()[j]).isEqualTo((float) step);
                assertThat(Math.abs(q.values()[i])).isLessThanOrEqualTo(limit);
                double exact = matrix[i] / step;
                if (Math.abs(Math.abs(exact - Math.floor(exact)) - 0.5) > 1e-4) { // not near a tie: the nearest integer
                    assertThat(q.values()[i]).as("element %d", i).isEqualTo((byte) Math.floor(exact + 0.5));
                }
                assertThat(Math.abs(matrix[i] - q.values()[i] * step)).isLessThanOrEqualTo(step / 2 * (1 + 1e-5));
                changed += q.values()[i] != plain.values()[i] ? 1 : 0;
            }
            assertThat(changed).as("values that round another way").isGreaterThan(matrix.length / 20);
        }
    }

    @Test
    void aShrunkScaleSaturatesAtTheLimit() {
        float[] matrix = {100f, -100f, 10f};
        Int8Weights q = RoundingJitter.requantize(matrix, 3, 1, new float[] {1f}, new double[] {-0.5}, 127);

        assertThat(q.values()).containsExactly(127, -127, 20);
        assertThat(RoundingJitter.requantize(matrix, 3, 1, new float[] {1f}, new double[] {-0.5}, 64).values())
                .containsExactly(64, -64, 20);
    }

    @Test
    void rejectsSizesThatDoNotMatchAndGrowthsOfMinusOneOrLess() {
        float[] matrix = new float[6];
        assertThatThrownBy(() -> RoundingJitter.requantize(matrix, 2, 3, new float[] {1, 1, 1}, new double[2], 127))
                .hasMessageContaining("3 growths").hasMessageContaining("got 6, 3 and 2");
        assertThatThrownBy(() -> RoundingJitter.requantize(matrix, 2, 3, new float[] {1, 1, 1}, new double[] {0, -1, 0}, 127))
                .hasMessageContaining("column 1").hasMessageContaining("growth above -1");
        assertThatThrownBy(() -> RoundingJitter.requantize(matrix, 2, 3, new float[] {1, 0, 1}, new double[3], 127))
                .hasMessageContaining("column 1").hasMessageContaining("positive scale");
    }

    private static float[] randomMatrix(SplittableRandom random, int rows, int columns) {
        float[] matrix = new float[rows * columns];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) (random.nextDouble(-1, 1) * random.nextDouble(-1, 1) * 0.3); // peaked at 0, as weights are
        }
        return matrix;
    }

    private static float[] absMaxOverLimit(float[] matrix, int columns, int limit) {
        float[] scales = new float[columns];
        for (int i = 0; i < matrix.length; i++) {
            scales[i % columns] = Math.max(scales[i % columns], Math.abs(matrix[i]));
        }
        for (int j = 0; j < columns; j++) {
            scales[j] /= limit;
        }
        return scales;
    }
}
