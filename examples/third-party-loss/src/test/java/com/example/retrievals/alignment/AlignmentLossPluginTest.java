package com.example.retrievals.alignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A loss from a jar that is not ours is found and created through the registry like a built-in one. */
class AlignmentLossPluginTest {
    private static final float[][] QUERIES = {{3, 4, 0}, {1, 0, 0}};
    private static final float[][] POSITIVES = {{0, 4, 3}, {1, 1, 0}};

    @Test
    void theRegistryFindsTheThirdPartyLossByName() {
        PluginRegistry registry = PluginRegistry.global();

        // listed beside the built-in losses of retrievals-losses, found the same way
        assertThat(registry.names(PluginKinds.LOSS)).contains("alignment", "infonce", "cosent", "arcface");
        assertThat(registry.provider(PluginKinds.LOSS, "Alignment")).isInstanceOf(AlignmentLossProvider.class);
        assertThat(registry.failures()).isEmpty();
    }

    @Test
    void theCreatedLossComputesTheAlignmentOfTheBatch() {
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, "alignment", Map.of("alpha", "2"));

        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray value = loss.forward(LossInputs.of(Map.of(
                    LossInputs.QUERY, manager.create(QUERIES), LossInputs.POSITIVE, manager.create(POSITIVES))));
            assertThat((double) value.getFloat()).isCloseTo(expectedAlignment(2.0), within(1e-6));
        }
    }

    @Test
    void itsOptionsAreCheckedLikeABuiltInLoss() {
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "alignment", Map.of("alpha", 0)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'alpha' of loss 'alignment' is 0; allowed: a number in (0, +inf)");
    }

    /** Plain double math: mean over rows of the distance between unit vectors, to the power alpha. */
    private static double expectedAlignment(double alpha) {
        double sum = 0;
        for (int row = 0; row < QUERIES.length; row++) {
            double[] q = unit(QUERIES[row]);
            double[] p = unit(POSITIVES[row]);
            double squared = 0;
            for (int i = 0; i < q.length; i++) {
                squared += (q[i] - p[i]) * (q[i] - p[i]);
            }
            sum += Math.pow(Math.sqrt(squared), alpha);
        }
        return sum / QUERIES.length;
    }

    private static double[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        double[] unit = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / Math.sqrt(norm);
        }
        return unit;
    }
}
