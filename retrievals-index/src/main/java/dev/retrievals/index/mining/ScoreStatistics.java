package dev.retrievals.index.mining;

import java.util.Arrays;
import java.util.Locale;

/**
 * Count, mean, standard deviation (n − 1), minimum, quartiles (linear interpolation, as NumPy's
 * default) and maximum of a set of scores.
 *
 * @param count how many scores
 * @param mean their mean (NaN when there are none)
 * @param std their sample standard deviation (NaN for fewer than two)
 * @param min the smallest
 * @param q25 the first quartile
 * @param median the median
 * @param q75 the third quartile
 * @param max the largest
 */
public record ScoreStatistics(long count, double mean, double std, double min, double q25, double median, double q75, double max) {

    /** The statistics of some scores. */
    public static ScoreStatistics of(double[] scores) {
        if (scores.length == 0) {
            return new ScoreStatistics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double score : sorted) {
            sum += score;
        }
        double mean = sum / sorted.length;
        double squares = 0;
        for (double score : sorted) {
            squares += (score - mean) * (score - mean);
        }
        double std = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : Double.NaN;
        return new ScoreStatistics(sorted.length, mean, std, sorted[0], quantile(sorted, 0.25), quantile(sorted, 0.5),
                quantile(sorted, 0.75), sorted[sorted.length - 1]);
    }

    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** One line, for example {@code count 100 mean 0.6123 std 0.0812 min …}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "count %d mean %.4f std %.4f min %.4f 25%% %.4f median %.4f 75%% %.4f max %.4f", count, mean,
                std, min, q25, median, q75, max);
    }
}
