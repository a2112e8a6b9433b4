package dev.retrievals.trainer.eval.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Correlation coefficients of two equally long score lists, in double precision, as
 * {@code scipy.stats.pearsonr} and {@code scipy.stats.spearmanr} compute them (which
 * sentence-transformers' {@code EmbeddingSimilarityEvaluator} uses).
 *
 * <p>A coefficient is undefined when a list is constant (its variance is zero); as scipy does,
 * that case returns {@link Double#NaN}.
 */
public final class Correlation {

    private Correlation() {}

    /**
     * Pearson's product-moment correlation: the covariance of the two lists divided by the
     * product of their standard deviations.
     *
     * @throws IllegalArgumentException if the lengths differ, a list has fewer than two values,
     *     or a value is not finite
     */
    public static double pearson(double[] x, double[] y) {
        check(x, y);
        double meanX = mean(x);
        double meanY = mean(y);
        double covariance = 0;
        double varianceX = 0;
        double varianceY = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }
        if (varianceX == 0 || varianceY == 0) {
            return Double.NaN;
        }
        double r = covariance / Math.sqrt(varianceX * varianceY);
        return Math.max(-1, Math.min(1, r));
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the ranks, where tied values share
     * the average of the ranks they span.
     *
     * @throws IllegalArgumentException as {@link #pearson}
     */
    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /**
     * The rank of each value, from 1 for the smallest; tied values get the mean of the ranks they
     * occupy (for example {@code [10, 20, 20, 30]} ranks as {@code [1, 2.5, 2.5, 4]}).
     */
    public static double[] averageRanks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double shared = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) {
                ranks[order[i]] = shared;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("Correlation of lists of different lengths: " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("Correlation needs at least 2 pairs of values, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("Correlation of non-finite values at index " + i + ": " + x[i] + ", " + y[i]);
            }
        }
    }
}
