package com.example.retrievals.alignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.RetrievalsException;
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

    @Test
    void itsGradientMatchesCentralDifferencesOfThePlainMath() {
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, "alignment", Map.of("alpha", "1.5"));
        double[][] queries = toDouble(QUERIES);
        double[][] positives = toDouble(POSITIVES);
        double[][] autograd;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray q = manager.create(queries);
            q.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss.forward(LossInputs.of(Map.of(LossInputs.QUERY, q, LossInputs.POSITIVE, manager.create(positives)))));
            }
            double[] flat = q.getGradient().toDoubleArray();
            autograd = new double[][] {java.util.Arrays.copyOfRange(flat, 0, 3), java.util.Arrays.copyOfRange(flat, 3, 6)};
        }
        double step = 1e-6;
        for (int row = 0; row < queries.length; row++) {
            for (int i = 0; i < queries[row].length; i++) {
                double[][] plus = copy(queries);
                double[][] minus = copy(queries);
                plus[row][i] += step;
                minus[row][i] -= step;
                double numeric = (alignment(plus, positives, 1.5) - alignment(minus, positives, 1.5)) / (2 * step);
                assertThat(autograd[row][i]).as("d loss / d query[%d][%d]", row, i).isCloseTo(numeric, within(1e-7));
            }
        }
    }

    @Test
    void mismatchedShapesAreNamedInTheError() {
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, "alignment");
        try (NDManager manager = NDManager.newBaseManager()) {
            LossInputs inputs = LossInputs.of(Map.of(LossInputs.QUERY, manager.create(QUERIES),
                    LossInputs.POSITIVE, manager.create(new float[][] {{1, 0, 0}})));
            assertThatThrownBy(() -> loss.forward(inputs)).isInstanceOf(RetrievalsException.class)
                    .hasMessage("alignment loss expects query and positive of one shape [batch, dim], got (2, 3) and (1, 3)");
        }
    }

    /** Plain double math: mean over rows of the distance between unit vectors, to the power alpha. */
    private static double expectedAlignment(double alpha) {
        return alignment(toDouble(QUERIES), toDouble(POSITIVES), alpha);
    }

    private static double alignment(double[][] queries, double[][] positives, double alpha) {
        double sum = 0;
        for (int row = 0; row < queries.length; row++) {
            double[] q = unit(queries[row]);
            double[] p = unit(positives[row]);
            double squared = 0;
            for (int i = 0; i < q.length; i++) {
                squared += (q[i] - p[i]) * (q[i] - p[i]);
            }
            sum += Math.pow(Math.sqrt(squared), alpha);
        }
        return sum / queries.length;
    }

    private static double[] unit(double[] vector) {
        double norm = 0;
        for (double v : vector) {
            norm += v * v;
        }
        double[] unit = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / Math.sqrt(norm);
        }
        return unit;
    }

    private static double[][] toDouble(float[][] rows) {
        double[][] result = new double[rows.length][];
        for (int row = 0; row < rows.length; row++) {
            result[row] = new double[rows[row].length];
            for (int i = 0; i < rows[row].length; i++) {
                result[row][i] = rows[row][i];
            }
        }
        return result;
    }

    private static double[][] copy(double[][] rows) {
        double[][] result = new double[rows.length][];
        for (int row = 0; row < rows.length; row++) {
            result[row] = rows[row].clone();
        }
        return result;
    }
}
