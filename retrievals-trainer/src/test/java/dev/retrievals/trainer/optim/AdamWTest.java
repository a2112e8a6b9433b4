package dev.retrievals.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW, parameter groups and clipping against plain double math. */
class AdamWTest {
    private static final Engine ENGINE = Engine.getEngine("PyTorch");

    /** Loss sum(c * p^2) has gradient 2 c p: known in closed form. */
    private static void backward(Map<String, NDArray> parameters, double[] coefficients, NDManager scope) {
        try (GradientCollector collector = ENGINE.newGradientCollector()) {
            NDArray loss = null;
            int i = 0;
            for (NDArray parameter : parameters.values()) {
                // the receiver is a scope array, so no result lands in the parameter's manager
                NDArray inScope = scope.zeros(parameter.getShape()).add(parameter);
                NDArray term = inScope.square().sum().mul((float) coefficients[i++]);
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    @Test
    void twoStepsMatchTheAdamWFormulasPerGroup() {
        try (NDManager manager = ENGINE.newBaseManager()) {
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            parameters.put("encoder.layer.0.attention.self.query.weight", manager.create(new float[] {0.5f, -1.0f}));
            parameters.put("encoder.layer.1.output.dense.bias", manager.create(new float[] {2.0f}));
            parameters.put("embeddings.word_embeddings.weight", manager.create(new float[] {-0.25f, 0.75f}));
            parameters.values().forEach(p -> p.setRequiresGradient(true));
            double[] coefficients = {1.0, 0.5, 2.0};
            List<ParameterGroup> groups = new ParameterGroups(1e-2, 0.1).layerwiseDecay(0.5)
                    .learningRateFor("word_embeddings", 4e-2).build(parameters, Map.of());
            // expected base rates: layer 0 of 2 -> depth 1 -> 1e-2 * 0.5; layer 1 (top) -> 1e-2; embeddings 4e-2 * 0.5^2
            double[] rates = {5e-3, 1e-2, 1e-2};
            double[] decays = {0.1, 0.0, 0.1};
            double[][] expected = {{0.5, -1.0}, {2.0}, {-0.25, 0.75}};
            double[][] m = {{0, 0}, {0}, {0, 0}};
            double[][] v = {{0, 0}, {0}, {0, 0}};
            double[] factors = {1.0, 0.5};
            try (AdamW optimizer = new AdamW(groups, 0.9, 0.999, 1e-8)) {
                for (int t = 1; t <= 2; t++) {
                    try (NDManager scope = manager.newSubManager()) {
                        backward(parameters, coefficients, scope);
                    }
                    optimizer.step(factors[t - 1]);
                    optimizer.zeroGradients();
                    for (int p = 0; p < 3; p++) {
                        double lr = rates[p] * factors[t - 1];
                        for (int j = 0; j < expected[p].length; j++) {
                            double g = 2 * coefficients[p] * expected[p][j];
                            expected[p][j] *= 1 - lr * decays[p];
                            m[p][j] = 0.9 * m[p][j] + 0.1 * g;
                            v[p][j] = 0.999 * v[p][j] + 0.001 * g * g;
                            double mHat = m[p][j] / (1 - Math.pow(0.9, t));
                            double denominator = Math.sqrt(v[p][j]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                            expected[p][j] -= lr * mHat / denominator;
                        }
                    }
                    assertThat(optimizer.lastLearningRates().get("embeddings.word_embeddings.weight"))
                            .isCloseTo(1e-2 * factors[t - 1], within(1e-12));
                    assertThat(optimizer.lastLearningRates().get("encoder.layer.0.attention.self.query.weight"))
                            .isCloseTo(5e-3 * factors[t - 1], within(1e-12));
                }
                int p = 0;
                for (NDArray parameter : parameters.values()) {
                    float[] actual = parameter.toFloatArray();
                    for (int j = 0; j < actual.length; j++) {
                        assertThat((double) actual[j]).isCloseTo(expected[p][j], within(1e-6));
                    }
                    p++;
                }
                assertThat(manager.getManagedArrays()).hasSize(3 + 2 * 3); // 3 parameters, 2 moments each; no temporaries
            }
        }
    }

    @Test
    void zeroGradientsClearsNonFiniteValuesAndClippingScalesToTheMaximum() {
        try (NDManager manager = ENGINE.newBaseManager()) {
            NDArray a = manager.create(new float[] {3f, 0f});
            NDArray b = manager.create(new float[] {4f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> parameters = new LinkedHashMap<>(Map.of("a", a, "b", b));
            try (NDManager scope = manager.newSubManager()) {
                backward(parameters, new double[] {0.5, 0.5}, scope); // gradients equal the values: norm 5
                double norm = GradientClipping.clip(parameters.values(), 1.0, scope);
                assertThat(norm).isCloseTo(5.0, within(1e-6));
                assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {0.6f, 0f}, within(1e-5f));
                assertThat(GradientClipping.clip(parameters.values(), 0, scope)).isCloseTo(1.0, within(1e-5));
            }
            try (AdamW optimizer = new AdamW(new ParameterGroups(1e-3, 0).build(parameters, Map.of()), 0.9, 0.999, 1e-8);
                    NDManager scope = manager.newSubManager()) {
                try (GradientCollector collector = ENGINE.newGradientCollector()) {
                    NDArray x = scope.zeros(a.getShape()).add(a);
                    collector.backward(x.log().sum().add(scope.zeros(b.getShape()).add(b).sum())); // log(0): gradient 1/0 = inf
                }
                assertThat(Double.isFinite(GradientClipping.clip(parameters.values(), 1.0, scope))).isFalse();
                optimizer.zeroGradients();
                assertThat(GradientClipping.clip(parameters.values(), 1.0, scope)).isZero();
            }
        }
    }
}
