package dev.retrievals.trainer.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Correlations against values worked out by hand (shown in each test) and textbook formulas. */
class CorrelationTest {
    private static final double[] X = {1, 2, 3, 4, 5};
    private static final double[] Y = {2, 4, 5, 4, 5};

    @Test
    void pearsonOfASmallListMatchesTheHandComputation() {
        // dx = [-2,-1,0,1,2], dy = [-2,0,1,0,1]: covariance sum 6, variance sums 10 and 6.
        assertThat(Correlation.pearson(X, Y)).isCloseTo(6 / Math.sqrt(10 * 6), within(1e-15));
    }

    @Test
    void spearmanGivesTiedValuesTheirAverageRank() {
        // ranks of Y: 2 -> 1; the two 4s share 2 and 3 -> 2.5; the two 5s share 4 and 5 -> 4.5.
        // dRank(Y) = [-2,-0.5,1.5,-0.5,1.5]: covariance sum with dx is 7, variance sums 10 and 9.
        assertThat(Correlation.spearman(X, Y)).isCloseTo(7 / Math.sqrt(10 * 9), within(1e-15));
    }

    @Test
    void averageRanksShareTheRanksATieSpans() {
        assertThat(Correlation.averageRanks(new double[] {20, 10, 30, 20})).containsExactly(2.5, 1, 4, 2.5);
        assertThat(Correlation.averageRanks(new double[] {3, 3, 3})).containsExactly(2, 2, 2);
    }

    @Test
    void spearmanWithoutTiesEqualsTheSquaredRankDifferenceFormula() {
        Random random = new Random(7);
        int n = 50;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
            y[i] = x[i] + random.nextGaussian();
        }
        double sumSquared = 0;
        for (int i = 0; i < n; i++) {
            double d = rankByCounting(x, i) - rankByCounting(y, i);
            sumSquared += d * d;
        }
        double textbook = 1 - 6 * sumSquared / (n * ((double) n * n - 1));

        assertThat(Correlation.spearman(x, y)).isCloseTo(textbook, within(1e-12));
    }

    @Test
    void spearmanOfAMonotoneButCurvedRelationIsOneWherePearsonIsLess() {
        double[] x = {1, 2, 3, 4};
        double[] cubes = {1, 8, 27, 64};
        double[] falling = {64, 27, 8, 1};

        assertThat(Correlation.spearman(x, cubes)).isCloseTo(1, within(1e-15));
        assertThat(Correlation.spearman(x, falling)).isCloseTo(-1, within(1e-15));
        assertThat(Correlation.pearson(x, cubes)).isLessThan(0.99);
    }

    @Test
    void aConstantListHasNoCorrelation() {
        assertThat(Correlation.pearson(X, new double[] {3, 3, 3, 3, 3})).isNaN();
        assertThat(Correlation.spearman(new double[] {1, 1, 1, 1, 1}, Y)).isNaN();
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Correlation.pearson(X, new double[] {1, 2}))
                .hasMessageContaining("different lengths: 5 and 2");
        assertThatThrownBy(() -> Correlation.spearman(new double[] {1}, new double[] {2}))
                .hasMessageContaining("at least 2 pairs");
        assertThatThrownBy(() -> Correlation.pearson(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .hasMessageContaining("index 1");
    }

    /** 1 + the number of values below, independent of the sort in the code under test (no ties here). */
    private static double rankByCounting(double[] values, int index) {
        int below = 0;
        for (double value : values) {
            if (value < values[index]) {
                below++;
            }
        }
        return below + 1;
    }
}
