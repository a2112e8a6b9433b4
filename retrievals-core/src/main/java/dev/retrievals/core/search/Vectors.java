package dev.retrievals.core.search;

/** Vector arithmetic for cosine similarity: unit vectors kept in float, dot products summed in double. */
public final class Vectors {

    private Vectors() {}

    /** The vector divided by its Euclidean length; a zero vector stays zero (its cosine with anything is 0). */
    public static float[] unit(float[] vector) {
        double squared = 0;
        for (float value : vector) {
            squared += (double) value * value;
        }
        float[] unit = new float[vector.length];
        if (squared == 0) {
            return unit;
        }
        double norm = Math.sqrt(squared);
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    /** Each row as a unit vector. */
    public static float[][] units(float[][] vectors) {
        float[][] units = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            units[i] = unit(vectors[i]);
        }
        return units;
    }

    /** The dot product, summed in double. */
    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** The cosine similarity of two vectors of any length (0 if either is zero). */
    public static double cosine(float[] a, float[] b) {
        return dot(unit(a), unit(b));
    }
}
