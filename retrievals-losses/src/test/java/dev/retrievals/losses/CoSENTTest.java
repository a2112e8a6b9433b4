package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoSENTTest {
    static final double[][] FIRST = InfoNCETest.QUERIES;
    static final double[][] SECOND = InfoNCETest.POSITIVES;
    static final double[][] FIRST_FOUR = {{0.9, 0.1, -0.3, 0.2}, {-0.2, 0.8, 0.4, -0.1}, {0.3, -0.5, 0.7, 0.6}, {0.5, 0.5, 0.1, -0.8}};
    static final double[][] SECOND_FOUR = {{1.0, 0.2, -0.1, 0.4}, {-0.4, 0.6, 0.5, 0.1}, {0.1, -0.7, 0.9, 0.2}, {-0.3, 0.2, -0.9, 0.1}};

    /** CoSENT from its definition: log(1 + Σ over ordered pairs (score_k < score_i) of exp(s·(cos_k − cos_i))). */
    static double reference(double[][] a, double[][] b, double[] scores, double scale) {
        double sum = 1;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a.length; k++) {
                if (scores[k] < scores[i]) {
                    sum += Math.exp(scale * (cosine(a[k], b[k]) - cosine(a[i], b[i])));
                }
            }
        }
        return Math.log(sum);
    }

    static Batch batch(double[][] a, double[][] b, double... scores) {
        return Batch.of().embed(LossInputs.QUERY, a).embed(LossInputs.POSITIVE, b).vector(LossInputs.SCORE, scores);
    }

    @Test
    void theValueMatchesThePlainComputation() {
        double[] scores = {0.9, 0.2, 0.5, 0.2};
        assertThat(LossTestKit.value(CoSENT.create(), batch(FIRST_FOUR, SECOND_FOUR, scores)))
                .isCloseTo(reference(FIRST_FOUR, SECOND_FOUR, scores, 20), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(CoSENT.withScale(5), batch(FIRST, SECOND, 3, 1, 2)))
                .isCloseTo(reference(FIRST, SECOND, new double[] {3, 1, 2}, 5), within(VALUE_TOLERANCE));
    }

    @Test
    void theGradientMatchesCentralDifferences() {
        LossTestKit.assertGradientsMatch(CoSENT.create(), batch(FIRST_FOUR, SECOND_FOUR, 0.9, 0.2, 0.5, 0.2));
        LossTestKit.assertGradientsMatch(CoSENT.withScale(5), batch(FIRST, SECOND, 3, 1, 2));
    }

    @Test
    void aBatchOfOneOrOfEqualScoresHasNoOrderedPairAndCostsZero() {
        assertThat(LossTestKit.value(CoSENT.create(), batch(new double[][] {FIRST[0]}, new double[][] {SECOND[0]}, 0.7)))
                .isCloseTo(0.0, within(1e-12));
        assertThat(LossTestKit.value(CoSENT.create(), batch(FIRST, SECOND, 0.5, 0.5, 0.5))).isCloseTo(0.0, within(1e-12));
        LossTestKit.assertGradientsMatch(CoSENT.create(), batch(FIRST, SECOND, 0.5, 0.5, 0.5));
    }

    @Test
    void identicalEmbeddingsGiveEqualCosinesSoEachOrderedPairCostsOne() {
        double[] same = {0.3, -0.2, 0.5, 0.1};
        double[][] rows = {same, same, same};
        // scores 1 < 2 < 3: three ordered pairs, each exp(0) = 1, so log(1 + 3)
        assertThat(LossTestKit.value(CoSENT.create(), batch(rows, rows, 1, 2, 3))).isCloseTo(Math.log(4), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(CoSENT.create(), batch(rows, rows, 1, 2, 3));
    }

    @Test
    void wrongScoreCountsAndScalesAreRejected() {
        assertThatThrownBy(() -> LossTestKit.value(CoSENT.create(), batch(FIRST, SECOND, 1, 2)))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'cosent' expects score of shape [3] (one gold score per row of the batch), got (2)");
        assertThatThrownBy(() -> CoSENT.withScale(0))
                .isInstanceOf(InvalidOptionException.class).hasMessage("Option 'scale' of loss 'cosent' is 0.0; allowed: a number in (0, +inf)");
    }

    @Test
    void theRegistryCreatesItWithScale20ByDefault() {
        CoSENT loss = (CoSENT) PluginRegistry.global().create(PluginKinds.LOSS, "cosent");
        assertThat(loss.scale()).isEqualTo(20.0);
        CoSENT scaled = (CoSENT) PluginRegistry.global().create(PluginKinds.LOSS, "cosent", Map.of("scale", "10"));
        assertThat(scaled.scale()).isEqualTo(10.0);
    }
}
