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
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prompt masking against a plain reference: the pooled vector of each row is computed by loops over
 * the positions the prompt does not cover, written out by hand per row.
 */
class PromptExcludingPoolingTest {
    private static final int HIDDEN = 3;
    private static final int SEQUENCE = 7;
    private static final int PROMPT = 3;
    /** Row 0 right-padded (5 real), row 1 full, row 2 left-padded (2 pads, 5 real), row 3 only [CLS] + prompt + 1 token. */
    private static final long[][] MASK = {{1, 1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}};
    /** The positions each row keeps with a prompt of 3 tokens (its first 3 real tokens left out). */
    private static final int[][] KEPT = {{3, 4}, {3, 4, 5, 6}, {5, 6}, {3}};
    private static final float[] TOKENS = random();

    private static float[] random() {
        Random random = new Random(11);
        float[] values = new float[MASK.length * SEQUENCE * HIDDEN];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static double token(int row, int position, int unit) {
        return TOKENS[(row * SEQUENCE + position) * HIDDEN + unit];
    }

    /** The reference: mean or max over the kept positions; cls is position 0; lasttoken the last real position. */
    private static double[][] reference(String pooling) {
        double[][] result = new double[MASK.length][HIDDEN];
        for (int row = 0; row < MASK.length; row++) {
            int last = KEPT[row][KEPT[row].length - 1];
            for (int unit = 0; unit < HIDDEN; unit++) {
                double sum = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int position : KEPT[row]) {
                    sum += token(row, position, unit);
                    max = Math.max(max, token(row, position, unit));
                }
                result[row][unit] = switch (pooling) {
                    case "mean" -> sum / KEPT[row].length;
                    case "max" -> max;
                    case "cls" -> token(row, 0, unit);
                    case "lasttoken" -> token(row, last, unit);
                    default -> throw new IllegalArgumentException(pooling);
                };
            }
        }
        return result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mean", "max", "cls", "lasttoken"})
    void bothFormsPoolOnlyTheTokensAfterThePrompt(String name) {
        Pooling pooling = PromptExcludingPooling.of(PluginRegistry.global().create(PluginKinds.POOLING, name), PROMPT);
        double[][] expected = reference(name);
        float[][] plain = pooling.pool(TOKENS, HIDDEN, MASK);
        float[] arrays;
        try (NDManager scope = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray pooled = pooling.pool(scope.create(TOKENS, new Shape(MASK.length, SEQUENCE, HIDDEN)), scope.create(MASK));
            assertThat(pooled.getShape()).isEqualTo(new Shape(MASK.length, HIDDEN));
            arrays = pooled.toFloatArray();
        }
        for (int row = 0; row < MASK.length; row++) {
            for (int unit = 0; unit < HIDDEN; unit++) {
                assertThat((double) plain[row][unit]).as("%s plain [%d][%d]", name, row, unit).isCloseTo(expected[row][unit], within(1e-5));
                assertThat((double) arrays[row * HIDDEN + unit]).as("%s NDArray [%d][%d]", name, row, unit)
                        .isCloseTo(expected[row][unit], within(1e-5));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void aZeroLengthIsThePoolingItselfAndANegativeOneIsRejected(int length) {
        Pooling mean = PluginRegistry.global().create(PluginKinds.POOLING, "mean");
        if (length == 0) {
            assertThat(PromptExcludingPooling.of(mean, 0)).isSameAs(mean);
        } else {
            assertThatThrownBy(() -> PromptExcludingPooling.of(mean, length)).isInstanceOf(RetrievalsException.class)
                    .hasMessage("The prompt length is -1; expected a number of tokens >= 0");
        }
    }
}
