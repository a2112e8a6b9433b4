package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnglETest {
    /** Five pairs of 6-dim embeddings, not of unit length, with tied, zero and graded scores. */
    static final double[][] FIRST = random(5, 6, 41, 1.5);
    static final double[][] SECOND = random(5, 6, 43, 0.7);
    static final double[] SCORES = {0, 3, 5, 1, 3};

    static double[][] random(int rows, int dim, long seed, double size) {
        Random random = new Random(seed);
        double[][] result = new double[rows][dim];
        for (double[] row : result) {
            for (int j = 0; j < dim; j++) {
                row[j] = size * random.nextGaussian();
            }
        }
        return result;
    }

    /**
     * The angle similarity as {@code angle_emb.angle_loss} computes it on raw vectors: real halves
     * {@code a, c}, imaginary halves {@code b, d}; {@code re = (ac + bd) / Σ(c² + d²)},
     * {@code im = (bc − ad) / Σ(c² + d²)}, both divided by {@code |x| / |y|}; |Σ (re + im)|.
     */
    static double angleSimilarity(double[] x, double[] y) {
        int half = x.length / 2;
        double z = 0;
        double dz = 0;
        for (int k = 0; k < half; k++) {
            z += y[k] * y[k] + y[half + k] * y[half + k];
            dz += x[k] * x[k] + x[half + k] * x[half + k];
        }
        double ratio = Math.sqrt(dz) / Math.sqrt(z);
        double sum = 0;
        for (int k = 0; k < half; k++) {
            double a = x[k];
            double b = x[half + k];
            double c = y[k];
            double d = y[half + k];
            double re = (a * c + b * d) / z / ratio;
            double im = (b * c - a * d) / z / ratio;
            sum += re + im;
        }
        return Math.abs(sum);
    }

    /** CoSENT's ranking over precomputed pair values: log(1 + Σ_{y_k < y_i} exp(τ·(x_k − x_i))). */
    static double ranking(double[] values, double[] scores, double tau) {
        double sum = 1;
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < values.length; k++) {
                if (scores[k] < scores[i]) {
                    sum += Math.exp(tau * (values[k] - values[i]));
                }
            }
        }
        return Math.log(sum);
    }

    static double angleTerm(double[][] a, double[][] b, double[] scores, double tau) {
        double[] values = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            values[i] = angleSimilarity(a[i], b[i]);
        }
        return ranking(values, scores, tau);
    }

    /**
     * {@code angle_emb.in_batch_negative_loss} on the interleaved texts {@code [a0, b0, a1, b1, …]}:
     * cosines of all texts with all others (self excluded), times τ; a text of a pair labelled
     * positive targets its partner; mean over all 2n rows.
     */
    static double ibnTerm(double[][] a, double[][] b, double[] scores, double tau, double minScore) {
        int n = a.length;
        double[][] texts = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            texts[2 * i] = a[i];
            texts[2 * i + 1] = b[i];
        }
        double total = 0;
        for (int row = 0; row < 2 * n; row++) {
            if (scores[row / 2] < minScore) {
                continue;
            }
            double[] logits = new double[2 * n - 1];
            int partnerColumn = -1;
            int column = 0;
            for (int other = 0; other < 2 * n; other++) {
                if (other == row) {
                    continue;
                }
                if (other == (row ^ 1)) {
                    partnerColumn = column;
                }
                logits[column++] = tau * cosine(texts[row], texts[other]);
            }
            total -= LossTestKit.logSoftmax(logits)[partnerColumn];
        }
        return total / (2 * n);
    }

    static double reference(double[][] a, double[][] b, double[] scores, double[] weights, double[] taus, double minScore) {
        double[] cosines = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            cosines[i] = cosine(a[i], b[i]);
        }
        return weights[0] * ranking(cosines, scores, taus[0]) + weights[1] * ibnTerm(a, b, scores, taus[1], minScore)
                + weights[2] * angleTerm(a, b, scores, taus[2]);
    }

    static Batch batch(double[][] a, double[][] b, double... scores) {
        return CoSENTTest.batch(a, b, scores);
    }

    static AnglE loss(double[] weights, double[] taus, double minScore) {
        return AnglE.builder().weights(weights[0], weights[1], weights[2]).taus(taus[0], taus[1], taus[2]).ibnMinScore(minScore).build();
    }

    private static final double[][] WEIGHTS = {{1, 1, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0.02}, {0, 20, 1}, {0.3, 0.5, 2}};
    private static final double[][] TAUS = {{20, 20, 20}, {5, 10, 1}};

    @Test
    void eachTermAndTheirWeightedSumMatchThePlainComputation() {
        for (double[] weights : WEIGHTS) {
            for (double[] taus : TAUS) {
                for (double minScore : new double[] {1, 3.5}) {
                    assertThat(LossTestKit.value(loss(weights, taus, minScore), batch(FIRST, SECOND, SCORES)))
                            .as("weights %s, taus %s, ibn_min_score %s", java.util.Arrays.toString(weights), java.util.Arrays.toString(taus),
                                    minScore)
                            .isCloseTo(reference(FIRST, SECOND, SCORES, weights, taus, minScore), within(VALUE_TOLERANCE));
                }
            }
        }
    }

    @Test
    void theCosineTermIsCoSENT() {
        assertThat(LossTestKit.value(AnglE.builder().weights(1, 0, 0).taus(7, 20, 20).build(), batch(FIRST, SECOND, SCORES)))
                .isCloseTo(CoSENTTest.reference(FIRST, SECOND, SCORES, 7), within(VALUE_TOLERANCE));
    }

    @Test
    void aTextIsAtAngleSimilarityOneWithItselfAndItsMultiples() {
        double[] x = FIRST[0];
        double[] twice = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            twice[k] = 2 * x[k];
        }
        // u / u = 1 + 0i in every component after normalisation: the real parts sum to |u|² / |u|² = 1
        assertThat(angleSimilarity(x, twice)).isCloseTo(1.0, within(1e-12));
        // two pairs, each of a text with a multiple of itself: equal δ, so the ordered pair costs exp(0) = 1
        double[][] firsts = {x, FIRST[1]};
        double[][] seconds = {twice, FIRST[1]};
        assertThat(LossTestKit.value(AnglE.builder().weights(0, 0, 1).build(), batch(firsts, seconds, 1, 2)))
                .isCloseTo(Math.log(2), within(VALUE_TOLERANCE));
    }

    @Test
    void theGradientsMatchCentralDifferences() {
        for (double[] weights : new double[][] {{1, 1, 1}, {0, 1, 0.02}, {0, 0, 1}}) {
            LossTestKit.assertGradientsMatch(loss(weights, new double[] {20, 20, 20}, 1), batch(FIRST, SECOND, SCORES));
        }
        LossTestKit.assertGradientsMatch(loss(new double[] {1, 1, 1}, new double[] {5, 10, 1}, 3.5), batch(FIRST, SECOND, SCORES));
    }

    @Test
    void aBatchWithoutPositivePairsHasOnlyRankingTerms() {
        double[] low = {0, 0.5, 0.2, 0, 0.9};
        assertThat(LossTestKit.value(AnglE.builder().weights(0, 1, 0).build(), batch(FIRST, SECOND, low))).isCloseTo(0.0, within(1e-12));
        LossTestKit.assertGradientsMatch(AnglE.create(), batch(FIRST, SECOND, low));
    }

    @Test
    void badInputsAndOptionsAreRejected() {
        double[][] odd = random(2, 5, 7, 1);
        assertThatThrownBy(() -> LossTestKit.value(AnglE.create(), batch(odd, odd, 1, 2)))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'angle' expects embeddings of even dim (real and imaginary halves for the angle term), got (2, 5)");
        assertThatThrownBy(() -> LossTestKit.value(AnglE.create(), batch(FIRST, SECOND, 1, 2)))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'angle' expects score of shape [5] (one gold score per row of the batch), got (2)");
        assertThatThrownBy(() -> AnglE.builder().weights(0, 0, 0).build())
                .isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("'w_cosine', 'w_ibn' and 'w_angle' of loss 'angle' are all 0");
        assertThatThrownBy(() -> AnglE.builder().weights(1, -1, 1).build())
                .isInstanceOf(InvalidOptionException.class).hasMessageStartingWith("Option 'w_ibn' of loss 'angle' is -1.0");
        assertThatThrownBy(() -> AnglE.builder().taus(20, 20, 0).build())
                .isInstanceOf(InvalidOptionException.class).hasMessageStartingWith("Option 'tau_angle' of loss 'angle' is 0.0");
    }

    @Test
    void theRegistryCreatesItWithThePapersEqualWeightsAndOptionsByName() {
        AnglE defaults = (AnglE) PluginRegistry.global().create(PluginKinds.LOSS, "angle");
        assertThat(new double[] {defaults.wCosine(), defaults.wIbn(), defaults.wAngle()}).containsExactly(1, 1, 1);
        assertThat(new double[] {defaults.tauCosine(), defaults.tauIbn(), defaults.tauAngle()}).containsExactly(20, 20, 20);
        AnglE library = (AnglE) PluginRegistry.global().create(PluginKinds.LOSS, "angle",
                Map.of("w_cosine", "0", "w_ibn", "1", "w_angle", "0.02", "tau_angle", "20"));
        assertThat(new double[] {library.wCosine(), library.wIbn(), library.wAngle()}).containsExactly(0, 1, 0.02);
        assertThat(library.requiredInputs()).containsExactlyInAnyOrder(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.SCORE);
    }
}
