package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The training forward's dropout (a one-byte keep mask, {@link DjlEncoderOps#dropout}) against its definition computed in
 * the test: every element is either 0 or the input times {@code (float) (1 / (1 − p))}, about {@code p} of them are 0,
 * and the gradient of {@code Σ w · dropout(x)} is {@code w · (float) (1 / (1 − p))} where an element was kept, 0 where not.
 */
class DropoutTest {
    private static final int ROWS = 200;
    private static final int COLUMNS = 500;

    @Test
    void keptElementsAreScaledDroppedOnesAreZeroAndGradientsFollowTheMask() {
        double p = 0.1;
        float scale = (float) (1 / (1 - p));
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[ROWS * COLUMNS];
        float[] w = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
            w[i] = (float) (random.nextDouble() * 2 - 1);
        }
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = engine.newBaseManager()) {
            engine.setRandomSeed(11);
            DjlEncoderOps ops = new DjlEncoderOps(Map.of(), true, DataType.FLOAT32, false);
            NDArray input = manager.create(x, new Shape(ROWS, COLUMNS));
            input.setRequiresGradient(true);
            float[] output;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray dropped = ops.dropout(input, p);
                output = dropped.toFloatArray();
                collector.backward(dropped.mul(manager.create(w, new Shape(ROWS, COLUMNS))).sum());
            }
            float[] gradient = input.getGradient().toFloatArray();
            int zeros = 0;
            for (int i = 0; i < x.length; i++) {
                boolean kept = output[i] != 0;
                if (kept) {
                    assertThat(output[i]).as("kept element %d", i).isEqualTo(x[i] * scale);
                    assertThat(gradient[i]).as("gradient of kept element %d", i).isEqualTo(w[i] * scale);
                } else {
                    zeros++;
                    assertThat(Math.abs(gradient[i])).as("gradient of dropped element %d", i).isZero();
                }
            }
            // Binomial(n, p): the share of zeros within 5 standard deviations of p
            double sigma = Math.sqrt(p * (1 - p) / x.length);
            assertThat((double) zeros / x.length).isBetween(p - 5 * sigma, p + 5 * sigma);
        }
    }

    @Test
    void evaluationModeAndProbabilityZeroAreTheIdentityAndProbabilityOneDropsAll() {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = engine.newBaseManager()) {
            NDArray input = manager.create(new float[] {1f, -2f, 3f, 0.5f});
            assertThat(new DjlEncoderOps(Map.of(), false, DataType.FLOAT32, false).dropout(input, 0.5)).isSameAs(input);
            DjlEncoderOps training = new DjlEncoderOps(Map.of(), true, DataType.FLOAT32, false);
            assertThat(training.dropout(input, 0)).isSameAs(input);
            assertThat(training.dropout(input, 1).toFloatArray()).containsExactly(0f, 0f, 0f, 0f);
        }
    }
}
