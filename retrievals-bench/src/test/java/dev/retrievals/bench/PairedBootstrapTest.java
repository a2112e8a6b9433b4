package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.trainer.eval.metrics.Correlation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    @Test
    void percentileInterpolatesBetweenTheClosestRanksAsNumpy() {
        double[] values = {4, 1, 3, 2};
        // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 97.5, 100]) = [1, 1.75, 2.5, 3.925, 4]
        assertThat(PairedBootstrap.percentile(values, 0)).isEqualTo(1);
        assertThat(PairedBootstrap.percentile(values, 25)).isCloseTo(1.75, within(1e-12));
        assertThat(PairedBootstrap.percentile(values, 50)).isCloseTo(2.5, within(1e-12));
        assertThat(PairedBootstrap.percentile(values, 97.5)).isCloseTo(3.925, within(1e-12));
        assertThat(PairedBootstrap.percentile(values, 100)).isEqualTo(4);
        assertThat(PairedBootstrap.percentile(new double[] {7}, 2.5)).isEqualTo(7);
        assertThatThrownBy(() -> PairedBootstrap.percentile(values, 101)).hasMessageContaining("0 <= p <= 100");
    }

    @Test
    void eachResampleIsTheSpearmanCorrelationOfTheSamePairsDrawnForEveryContender() {
        SplittableRandom data = new SplittableRandom(3);
        int pairs = 40;
        double[] gold = new double[pairs];
        double[] noisy = new double[pairs];
        double[] noisier = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            gold[i] = data.nextInt(6); // few distinct scores: ties even before resampling
            noisy[i] = gold[i] + data.nextDouble();
            noisier[i] = gold[i] + 4 * data.nextDouble();
        }
        double[][] spearman = PairedBootstrap.spearman(gold, List.of(noisy, noisier), 5, 11);

        SplittableRandom draws = new SplittableRandom(11);
        for (double[] resample : spearman) {
            int[] drawn = new int[pairs];
            for (int i = 0; i < pairs; i++) {
                drawn[i] = draws.nextInt(pairs);
            }
            assertThat(resample[0]).isCloseTo(spearmanOfDrawn(gold, noisy, drawn), within(1e-12));
            assertThat(resample[1]).isCloseTo(spearmanOfDrawn(gold, noisier, drawn), within(1e-12));
        }
        assertThat(spearman[0][0]).isNotEqualTo(spearman[1][0]);
    }

    @Test
    void scoresInTheGoldOrderCorrelatePerfectlyOnEveryResample() {
        double[] gold = {0, 1, 1, 2, 3, 3, 3, 5};
        double[] increasing = {-4, 0.5, 0.5, 2, 9, 9, 9, 10};
        for (double[] resample : PairedBootstrap.spearman(gold, List.of(increasing), 50, 42)) {
            assertThat(resample[0]).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void aContenderWithTheWrongNumberOfScoresIsRefused() {
        assertThatThrownBy(() -> PairedBootstrap.spearman(new double[] {1, 2, 3}, List.of(new double[] {1, 2}), 1, 1))
                .hasMessageContaining("2 scores for 3 pairs");
    }

    /**
     * Spearman of the drawn pairs by {@link Correlation#spearman} (average ranks for ties, checked against ranks by
     * counting in CorrelationTest); the bootstrap itself ranks the drawn gold once and reuses it for every contender.
     */
    private static double spearmanOfDrawn(double[] gold, double[] scores, int[] drawn) {
        double[] x = new double[drawn.length];
        double[] y = new double[drawn.length];
        for (int i = 0; i < drawn.length; i++) {
            x[i] = scores[drawn[i]];
            y[i] = gold[drawn[i]];
        }
        return Correlation.spearman(x, y);
    }
}
