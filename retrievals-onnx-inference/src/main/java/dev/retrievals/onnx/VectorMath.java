package dev.retrievals.onnx;

/** Comparisons of embedding vectors, in double precision. */
final class VectorMath {
    private VectorMath() {}

    /** {@code max |a[i] - b[i]|}; the vectors must have one length. */
    static double maxAbsDifference(float[] a, float[] b) {
        checkLengths(a, b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** The cosine of the angle between two vectors (NaN when one is zero). */
    static double cosine(float[] a, float[] b) {
        checkLengths(a, b);
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }

    /** The smallest cosine between each row of {@code a} and the same row of {@code b}. */
    static double smallestCosine(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " and " + b.length + " vectors");
        }
        double smallest = 1;
        for (int row = 0; row < a.length; row++) {
            smallest = Math.min(smallest, cosine(a[row], b[row]));
        }
        return smallest;
    }

    private static void checkLengths(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of lengths " + a.length + " and " + b.length);
        }
    }
}
