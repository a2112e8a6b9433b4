package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.crossEntropy;
import static dev.retrievals.losses.LossTestKit.dot;
import static dev.retrievals.losses.LossTestKit.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InfoNCETest {
    static final double[][] QUERIES = {{0.9, 0.1, -0.3, 0.2}, {-0.2, 0.8, 0.4, -0.1}, {0.3, -0.5, 0.7, 0.6}};
    static final double[][] POSITIVES = {{1.0, 0.2, -0.1, 0.4}, {-0.4, 0.6, 0.5, 0.1}, {0.1, -0.7, 0.9, 0.2}};
    /** Two negatives per query, query-major. */
    static final double[][] NEGATIVES = {
        {0.5, 0.5, 0.1, -0.8}, {-0.3, 0.2, -0.9, 0.1},
        {0.7, -0.1, 0.2, 0.3}, {0.2, 0.9, -0.4, -0.5},
        {-0.6, 0.3, 0.3, 0.4}, {0.4, -0.2, 0.6, -0.3}};

    /**
     * InfoNCE from its definition: per query, the candidates (own positive, in-batch positives, hard
     * negatives shared or own), cosine / τ, cross-entropy with smoothing; the symmetric term over
     * the positives' similarities to all queries.
     */
    static double reference(double[][] q, double[][] p, double[][] n, double temperature, double smoothing, boolean inBatch,
            boolean shared, boolean symmetric) {
        int batch = q.length;
        int perQuery = n == null ? 0 : n.length / batch;
        double forward = 0;
        for (int i = 0; i < batch; i++) {
            List<Double> logits = new ArrayList<>();
            int target;
            if (inBatch) {
                for (int j = 0; j < batch; j++) {
                    logits.add(dot(unit(q[i]), unit(p[j])) / temperature);
                }
                target = i;
            } else {
                logits.add(dot(unit(q[i]), unit(p[i])) / temperature);
                target = 0;
            }
            if (n != null) {
                int from = shared ? 0 : i * perQuery;
                int to = shared ? n.length : (i + 1) * perQuery;
                for (int j = from; j < to; j++) {
                    logits.add(dot(unit(q[i]), unit(n[j])) / temperature);
                }
            }
            forward += crossEntropy(logits.stream().mapToDouble(Double::doubleValue).toArray(), target, smoothing);
        }
        forward /= batch;
        if (!symmetric) {
            return forward;
        }
        double backward = 0;
        for (int j = 0; j < batch; j++) {
            double[] logits = new double[batch];
            for (int i = 0; i < batch; i++) {
                logits[i] = dot(unit(p[j]), unit(q[i])) / temperature;
            }
            backward += crossEntropy(logits, j, smoothing);
        }
        return (forward + backward / batch) / 2;
    }

    static Batch batch(boolean withNegatives) {
        Batch batch = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES);
        return withNegatives ? batch.embed(LossInputs.NEGATIVE, NEGATIVES) : batch;
    }

    static Stream<Arguments> configurations() {
        // temperature, smoothing, in-batch, hard negatives, symmetric, with negatives
        return Stream.of(
                Arguments.of(0.05, 0.0, true, HardNegatives.SHARED, false, false),
                Arguments.of(0.05, 0.05, true, HardNegatives.SHARED, false, false),
                Arguments.of(0.2, 0.1, true, HardNegatives.SHARED, false, true),
                Arguments.of(0.05, 0.05, true, HardNegatives.OWN, false, true),
                Arguments.of(0.1, 0.0, false, HardNegatives.OWN, false, true),
                Arguments.of(0.1, 0.05, false, HardNegatives.SHARED, false, true),
                Arguments.of(0.05, 0.0, true, HardNegatives.SHARED, true, false),
                Arguments.of(0.07, 0.05, true, HardNegatives.OWN, true, true),
                Arguments.of(1.0, 0.3, true, HardNegatives.SHARED, false, true));
    }

    static InfoNCE loss(double temperature, double smoothing, boolean inBatch, HardNegatives hard, boolean symmetric) {
        return InfoNCE.builder().temperature(temperature).labelSmoothing(smoothing).inBatchNegatives(inBatch).hardNegatives(hard)
                .symmetric(symmetric).build();
    }

    @ParameterizedTest(name = "τ={0} ε={1} in_batch={2} hard={3} symmetric={4} negatives={5}")
    @MethodSource("configurations")
    void theValueMatchesThePlainComputation(double temperature, double smoothing, boolean inBatch, HardNegatives hard,
            boolean symmetric, boolean withNegatives) {
        double expected = reference(QUERIES, POSITIVES, withNegatives ? NEGATIVES : null, temperature, smoothing, inBatch,
                hard == HardNegatives.SHARED, symmetric);

        double actual = LossTestKit.value(loss(temperature, smoothing, inBatch, hard, symmetric), batch(withNegatives));

        assertThat(actual).isCloseTo(expected, within(VALUE_TOLERANCE));
    }

    @ParameterizedTest(name = "τ={0} ε={1} in_batch={2} hard={3} symmetric={4} negatives={5}")
    @MethodSource("configurations")
    void theGradientMatchesCentralDifferences(double temperature, double smoothing, boolean inBatch, HardNegatives hard,
            boolean symmetric, boolean withNegatives) {
        LossTestKit.assertGradientsMatch(loss(temperature, smoothing, inBatch, hard, symmetric), batch(withNegatives));
    }

    @Test
    void labelSmoothingAndTemperatureChangeTheValueAsTheDefinitionSays() {
        double plain = LossTestKit.value(InfoNCE.builder().build(), batch(true));
        double smoothed = LossTestKit.value(InfoNCE.builder().labelSmoothing(0.05).build(), batch(true));
        double warmer = LossTestKit.value(InfoNCE.builder().temperature(0.5).build(), batch(true));

        assertThat(plain).isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, 0.05, 0, true, true, false), within(VALUE_TOLERANCE));
        assertThat(smoothed).isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, 0.05, 0.05, true, true, false), within(VALUE_TOLERANCE));
        assertThat(warmer).isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, 0.5, 0, true, true, false), within(VALUE_TOLERANCE));
        assertThat(smoothed).isNotCloseTo(plain, within(1e-3));
    }

    @Test
    void severalHardNegativesPerQueryAreInferredFromTheShape() {
        double[][] threeEach = new double[9][];
        for (int i = 0; i < 9; i++) {
            threeEach[i] = NEGATIVES[i % 6].clone();
            threeEach[i][i % 4] += 0.1 * i;
        }
        Batch batch = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES)
                .embed(LossInputs.NEGATIVE, threeEach);
        InfoNCE own = InfoNCE.builder().hardNegatives(HardNegatives.OWN).labelSmoothing(0.05).build();

        assertThat(LossTestKit.value(own, batch))
                .isCloseTo(reference(QUERIES, POSITIVES, threeEach, 0.05, 0.05, true, false, false), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(own, batch);
    }

    @Test
    void aBatchOfOneWithoutNegativesHasNothingToContrastAndCostsZero() {
        Batch one = Batch.of().embed(LossInputs.QUERY, new double[][] {QUERIES[0]}).embed(LossInputs.POSITIVE, new double[][] {POSITIVES[0]});

        assertThat(LossTestKit.value(InfoNCE.builder().labelSmoothing(0.05).build(), one)).isCloseTo(0.0, within(1e-12));
        LossTestKit.assertGradientsMatch(InfoNCE.builder().build(), one);
    }

    @Test
    void aBatchOfOneWithHardNegativesMatchesThePlainComputation() {
        double[][] q = {QUERIES[1]};
        double[][] p = {POSITIVES[1]};
        double[][] n = LossTestKit.rows(NEGATIVES, 0, 2);
        Batch one = Batch.of().embed(LossInputs.QUERY, q).embed(LossInputs.POSITIVE, p).embed(LossInputs.NEGATIVE, n);
        InfoNCE loss = InfoNCE.builder().inBatchNegatives(false).hardNegatives(HardNegatives.OWN).build();

        assertThat(LossTestKit.value(loss, one)).isCloseTo(reference(q, p, n, 0.05, 0, false, false, false), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, one);
    }

    @Test
    void identicalEmbeddingsGiveUniformLogitsSoTheLossIsTheLogOfTheCandidateCount() {
        double[] same = {0.3, -0.2, 0.5, 0.1};
        double[][] rows = {same, same, same};
        Batch batch = Batch.of().embed(LossInputs.QUERY, rows).embed(LossInputs.POSITIVE, rows)
                .embed(LossInputs.NEGATIVE, new double[][] {same, same, same, same, same, same});
        InfoNCE loss = InfoNCE.builder().labelSmoothing(0.05).build();

        assertThat(LossTestKit.value(loss, batch)).isCloseTo(Math.log(9), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, batch);
    }

    @Test
    void invalidOptionsAreRejectedWithTheAllowedRange() {
        assertThatThrownBy(() -> InfoNCE.builder().temperature(0).build())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'temperature' of loss 'infonce' is 0.0; allowed: a number in (0, +inf)");
        assertThatThrownBy(() -> InfoNCE.builder().temperature(-0.05).build()).isInstanceOf(InvalidOptionException.class);
        assertThatThrownBy(() -> InfoNCE.builder().labelSmoothing(1.0).build())
                .hasMessage("Option 'label_smoothing' of loss 'infonce' is 1.0; allowed: a number in [0, 1)");
        assertThatThrownBy(() -> InfoNCE.builder().symmetric(true).inBatchNegatives(false).build())
                .isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("'symmetric'").hasMessageContaining("in_batch_negatives=true");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "infonce", Map.of("temperature", "0")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'temperature' of loss 'infonce' is '0'; allowed: a number in (0, +inf)");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "infonce", Map.of("hard_negatives", "mine")))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("one of shared, own");
    }

    @Test
    void inputsOfTheWrongShapeAreRejectedWithWhatWasExpected() {
        InfoNCE own = InfoNCE.builder().hardNegatives(HardNegatives.OWN).build();
        Batch unevenNegatives = batch(false).embed(LossInputs.NEGATIVE, LossTestKit.rows(NEGATIVES, 0, 4));
        assertThatThrownBy(() -> LossTestKit.value(own, unevenNegatives))
                .isInstanceOf(LossInputException.class)
                .hasMessageContaining("[batch * n, dim]").hasMessageContaining("4 rows is not a positive multiple of 3");

        Batch fewerPositives = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, LossTestKit.rows(POSITIVES, 0, 2));
        assertThatThrownBy(() -> LossTestKit.value(InfoNCE.builder().build(), fewerPositives))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'infonce' expects positive of the shape of query (3, 4) (one row per query), got (2, 4)");

        assertThatThrownBy(() -> LossTestKit.value(InfoNCE.builder().inBatchNegatives(false).build(), batch(false)))
                .isInstanceOf(LossInputException.class).hasMessageContaining("expects hard negatives");

        assertThatThrownBy(() -> LossTestKit.value(InfoNCE.builder().build(), Batch.of().embed(LossInputs.QUERY, QUERIES)))
                .isInstanceOf(LossInputException.class).hasMessageContaining("needs input 'positive'");
    }

    @Test
    void theRegistryCreatesItFromTextOptions() {
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, "infonce",
                Map.of("temperature", "0.1", "label_smoothing", "0.05", "hard_negatives", "own", "in_batch_negatives", "false"));

        assertThat(loss).isInstanceOf(InfoNCE.class);
        assertThat(LossTestKit.value(loss, batch(true)))
                .isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, 0.1, 0.05, false, false, false), within(VALUE_TOLERANCE));
    }
}
