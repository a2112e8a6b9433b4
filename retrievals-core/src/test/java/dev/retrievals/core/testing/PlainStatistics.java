package dev.retrievals.core.testing;

import java.util.Arrays;

/**
 * Rank correlation for tests, written from the textbook definition independently of the code under
 * test (shared through retrievals-core's test-jar): Spearman's rho is Pearson's r of the average
 * ranks, ties sharing their mean rank, as {@code scipy.stats.spearmanr} computes it.
 */
public final class PlainStatistics {
    private PlainStatistics() {}

    /** Spearman's rank correlation of two equally long samples. */
    public static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElseThrow();
        double my = Arrays.stream(ry).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** 1-based ranks by counting: 1 + values below + (equal values - 1) / 2. */
    public static double[] ranks(double[] values) {
        double[] ranks = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            int below = 0;
            int equal = 0;
            for (double other : values) {
                below += other < values[i] ? 1 : 0;
                equal += other == values[i] ? 1 : 0;
            }
            ranks[i] = 1 + below + (equal - 1) / 2.0;
        }
        return ranks;
    }
}
