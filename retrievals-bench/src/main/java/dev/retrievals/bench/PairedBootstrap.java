package dev.retrievals.bench;

import dev.retrievals.trainer.eval.metrics.Correlation;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A paired bootstrap of Spearman correlations on scored pairs (an STS set): each resample draws as many pairs as there
 * are, with replacement, and every contender is scored on the same drawn pairs, so differences between contenders are
 * compared on identical samples. Repeated pairs are ties, which {@link Correlation#spearman} ranks with average ranks.
 */
public final class PairedBootstrap {

    private PairedBootstrap() {}

    /**
     * The Spearman correlation of each contender's scores with the gold scores on each resample, as
     * {@code [resample][contender]}. The pairs of a resample are {@code random.nextInt(gold.length)}, drawn one after the
     * other from a single {@code new SplittableRandom(seed)}, resample after resample.
     *
     * @param gold the gold score of each pair
     * @param scores each contender's score of each pair (as long as {@code gold})
     */
    public static double[][] spearman(double[] gold, List<double[]> scores, int resamples, long seed) {
        for (double[] contender : scores) {
            if (contender.length != gold.length) {
                throw new IllegalArgumentException("Bootstrap: a contender has " + contender.length + " scores for " + gold.length + " pairs");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] correlations = new double[resamples][scores.size()];
        double[] drawnGold = new double[gold.length];
        double[] drawnScores = new double[gold.length];
        int[] drawn = new int[gold.length];
        for (int resample = 0; resample < resamples; resample++) {
            for (int i = 0; i < drawn.length; i++) {
                drawn[i] = random.nextInt(gold.length);
                drawnGold[i] = gold[drawn[i]];
            }
            double[] goldRanks = Correlation.averageRanks(drawnGold);
            for (int c = 0; c < scores.size(); c++) {
                for (int i = 0; i < drawn.length; i++) {
                    drawnScores[i] = scores.get(c)[drawn[i]];
                }
                correlations[resample][c] = Correlation.pearson(Correlation.averageRanks(drawnScores), goldRanks);
            }
        }
        return correlations;
    }

    /**
     * The {@code p}-th percentile (0 to 100) of some values, interpolated linearly between the two closest ranks as
     * {@code numpy.percentile} does by default: position {@code (n − 1) · p / 100} in the sorted values.
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0 || !(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("Percentile " + p + " of " + values.length + " values: need values and 0 <= p <= 100");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = (sorted.length - 1) * p / 100;
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
