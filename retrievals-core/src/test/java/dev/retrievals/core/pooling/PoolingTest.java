package dev.retrievals.core.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every pooling, in both forms (NDArrays and plain Java arrays), against values computed by hand
 * (plain loops) on a small fixed tensor.
 */
class PoolingTest {
    /** [batch 3][sequence 4][hidden 2]; row 0 has 2 real tokens, row 1 has 4, row 2 is left-padded with 3. */
    private static final float[][][] HIDDEN = {
        {{1, -2}, {3, 4}, {100, 100}, {-100, 7}},
        {{0.5f, 1}, {-1, 2}, {2, -3}, {4, 0}},
        {{9, 9}, {1, 1}, {2, -1}, {-3, 5}},
    };
    private static final long[][] MASK = {{1, 1, 0, 0}, {1, 1, 1, 1}, {0, 1, 1, 1}};

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static float[][] pool(String name) {
        Pooling pooling = PluginRegistry.global().create(PluginKinds.POOLING, name);
        try (NDManager sub = manager.newSubManager()) {
            NDArray pooled = pooling.pool(sub.create(flatten(HIDDEN), new Shape(3, 4, 2)), sub.create(MASK));
            assertThat(pooled.getShape()).isEqualTo(new Shape(3, 2));
            float[] flat = pooled.toFloatArray();
            return new float[][] {{flat[0], flat[1]}, {flat[2], flat[3]}, {flat[4], flat[5]}};
        }
    }

    /** The plain-Java form of a pooling on the same tensor. */
    private static float[][] poolPlain(String name) {
        Pooling pooling = PluginRegistry.global().create(PluginKinds.POOLING, name);
        float[][] pooled = pooling.pool(flatten(HIDDEN), 2, MASK);
        assertThat(pooled).hasNumberOfRows(3);
        return pooled;
    }

    private static void assertBothForms(String name, double[][] expected) {
        assertClose(pool(name), expected);
        assertClose(poolPlain(name), expected);
    }

    /** Expected value per row and hidden unit from a reduction over the real positions. */
    private static double[][] expected(BiFunction<Integer, Integer, Double> rowAndUnit) {
        double[][] out = new double[3][2];
        for (int row = 0; row < 3; row++) {
            for (int unit = 0; unit < 2; unit++) {
                out[row][unit] = rowAndUnit.apply(row, unit);
            }
        }
        return out;
    }

    private static void assertClose(float[][] actual, double[][] expected) {
        for (int row = 0; row < expected.length; row++) {
            for (int unit = 0; unit < expected[row].length; unit++) {
                assertThat((double) actual[row][unit]).as("row %d unit %d", row, unit).isCloseTo(expected[row][unit], within(1e-5));
            }
        }
    }

    @Test
    void cls() {
        assertBothForms("cls", expected((row, unit) -> (double) HIDDEN[row][0][unit]));
    }

    @Test
    void mean() {
        assertBothForms("mean", expected((row, unit) -> {
            double sum = 0;
            int count = 0;
            for (int pos = 0; pos < 4; pos++) {
                sum += MASK[row][pos] * HIDDEN[row][pos][unit];
                count += MASK[row][pos];
            }
            return sum / count;
        }));
    }

    @Test
    void meanSqrtLenTokens() {
        assertBothForms("mean_sqrt_len_tokens", expected((row, unit) -> {
            double sum = 0;
            int count = 0;
            for (int pos = 0; pos < 4; pos++) {
                sum += MASK[row][pos] * HIDDEN[row][pos][unit];
                count += MASK[row][pos];
            }
            return sum / Math.sqrt(count);
        }));
    }

    @Test
    void max() {
        assertBothForms("max", expected((row, unit) -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int pos = 0; pos < 4; pos++) {
                if (MASK[row][pos] == 1) {
                    max = Math.max(max, HIDDEN[row][pos][unit]);
                }
            }
            return max;
        }));
    }

    @Test
    void weightedMean() {
        assertBothForms("weightedmean", expected((row, unit) -> {
            double sum = 0;
            double weights = 0;
            for (int pos = 0; pos < 4; pos++) {
                double weight = (pos + 1) * MASK[row][pos];
                sum += weight * HIDDEN[row][pos][unit];
                weights += weight;
            }
            return sum / weights;
        }));
    }

    @Test
    void lastTokenWithRightAndLeftPadding() {
        // Row 0: last real token at position 1 (right padding); rows 1 and 2: position 3.
        assertBothForms("lasttoken", expected((row, unit) -> (double) HIDDEN[row][row == 0 ? 1 : 3][unit]));
    }

    @Test
    void l2NormalizeGivesUnitRows() {
        try (NDManager sub = manager.newSubManager()) {
            float[] normalized = PoolingMath.l2Normalize(sub.create(new float[][] {{3, 4}, {0, 0}})).toFloatArray();
            assertThat(normalized).containsExactly(new float[] {0.6f, 0.8f, 0, 0}, within(1e-7f));
        }
    }

    @Test
    void plainL2NormalizeGivesUnitRowsAndKeepsZero() {
        assertThat(PoolingMath.l2Normalize(new float[] {3, 4})).containsExactly(new float[] {0.6f, 0.8f}, within(1e-7f));
        assertThat(PoolingMath.l2Normalize(new float[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void aPoolingWithOnlyTheNDArrayFormRunsOnThePyTorchEngineForPlainArrays() {
        Pooling secondToken = (tokens, mask) -> tokens.get(":, 1, :");
        float[][] pooled = secondToken.pool(flatten(HIDDEN), 2, MASK);
        assertClose(pooled, expected((row, unit) -> (double) HIDDEN[row][1][unit]));
    }

    @Test
    void plainArraysOfTheWrongSizeAreRefusedWithTheSizes() {
        assertThatThrownBy(() -> new MeanPooling().pool(new float[10], 2, MASK))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("mean pooling expects 3 x 4 x 2")
                .hasMessageContaining("got 10");
        assertThatThrownBy(() -> new ClsPooling().pool(new float[6], 2, new long[][] {{1, 1}, {1}}))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("rows of 2 and 1");
    }

    @Test
    void wrongShapesAreRefusedWithBothShapes() {
        try (NDManager sub = manager.newSubManager()) {
            assertThatThrownBy(() -> new MeanPooling().pool(sub.zeros(new Shape(2, 3, 4)), sub.zeros(new Shape(2, 5))))
                    .isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("mean pooling expects")
                    .hasMessageContaining("(2, 3, 4)")
                    .hasMessageContaining("(2, 5)");
        }
    }

    @Test
    void everySentenceTransformersModeIsRegistered() {
        assertThat(PluginRegistry.global().names(PluginKinds.POOLING))
                .contains("cls", "lasttoken", "max", "mean", "mean_sqrt_len_tokens", "weightedmean");
    }

    private static float[] flatten(float[][][] values) {
        float[] flat = new float[3 * 4 * 2];
        int i = 0;
        for (float[][] row : values) {
            for (float[] token : row) {
                for (float v : token) {
                    flat[i++] = v;
                }
            }
        }
        return flat;
    }
}
