package dev.retrievals.trainer.eval;

/** Textbook formulas in plain double arithmetic, written apart from the code under test to check it. */
final class PlainMath {

    private PlainMath() {}

    /** Cosine similarity: the dot product over the product of the norms. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            aa += a[i] * (double) a[i];
            bb += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    /** Pearson's r from raw sums: (n Σxy − Σx Σy) / sqrt((n Σx² − (Σx)²)(n Σy² − (Σy)²)). */
    static double pearsonBySums(double[] x, double[] y) {
        int n = x.length;
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sx += x[i];
            sy += y[i];
            sxy += x[i] * y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
        }
        return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    }

    /** Rank = 1 + values below + (equal values − 1) / 2, which is the average rank of a tie (the shared test helper). */
    static double[] ranksByCounting(double[] values) {
        return dev.retrievals.core.testing.PlainStatistics.ranks(values);
    }
}
