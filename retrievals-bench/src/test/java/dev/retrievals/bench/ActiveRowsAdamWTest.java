package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.retrievals.trainer.optim.AdamW;
import dev.retrievals.trainer.optim.ParameterGroups;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AdamW on a vocabulary-sized table whose gradient reaches a few rows per step (the active-rows
 * path) against dense AdamW in plain double math: touched rows follow the formulas, rows touched
 * earlier keep moving on their moments, untouched rows stay exactly as they were.
 */
class ActiveRowsAdamWTest {
    private static final Engine ENGINE = Engine.getEngine("PyTorch");
    private static final int ROWS = 2048;
    private static final int WIDTH = 3;

    @Test
    void activeRowUpdatesEqualDenseAdamW() {
        try (NDManager manager = ENGINE.newBaseManager()) {
            float[] initial = new float[ROWS * WIDTH];
            for (int i = 0; i < initial.length; i++) {
                initial[i] = (float) Math.sin(i * 0.37);
            }
            NDArray table = manager.create(initial, new Shape(ROWS, WIDTH));
            table.setRequiresGradient(true);
            Map<String, NDArray> parameters = new LinkedHashMap<>(Map.of("embeddings.word_embeddings.weight", table));
            double lr = 1e-2;
            double[] expected = new double[initial.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = initial[i];
            }
            double[] m = new double[expected.length];
            double[] v = new double[expected.length];
            long[][] rowsPerStep = {{3, 700}, {700, 1500}, {5}};
            try (AdamW optimizer = new AdamW(new ParameterGroups(lr, 0).build(parameters, Map.of()), 0.9, 0.999, 1e-8)) {
                for (int t = 1; t <= rowsPerStep.length; t++) {
                    try (NDManager scope = manager.newSubManager(); GradientCollector collector = ENGINE.newGradientCollector()) {
                        NDArray copy = scope.zeros(table.getShape()).add(table);
                        collector.backward(copy.get(new NDIndex("{}", scope.create(rowsPerStep[t - 1]))).square().sum());
                    }
                    boolean[] hasGradient = new boolean[ROWS];
                    for (long row : rowsPerStep[t - 1]) {
                        hasGradient[(int) row] = true;
                    }
                    optimizer.step(1.0);
                    optimizer.zeroGradients();
                    for (int i = 0; i < expected.length; i++) {
                        double g = hasGradient[i / WIDTH] ? 2 * expected[i] : 0;
                        m[i] = 0.9 * m[i] + 0.1 * g;
                        v[i] = 0.999 * v[i] + 0.001 * g * g;
                        double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                        expected[i] -= lr * (m[i] / (1 - Math.pow(0.9, t))) / denominator;
                    }
                }
                float[] actual = table.toFloatArray();
                for (int i = 0; i < actual.length; i++) {
                    assertThat((double) actual[i]).as("element %d (row %d)", i, i / WIDTH).isCloseTo(expected[i], within(1e-6));
                }
                assertThat(actual[100 * WIDTH]).isEqualTo(initial[100 * WIDTH]); // never touched: bit-for-bit unchanged
                assertThat(actual[700 * WIDTH]).isNotEqualTo(initial[700 * WIDTH]);
                assertThat(actual[3 * WIDTH] - initial[3 * WIDTH]).isNotZero();
            }
        }
    }
}
