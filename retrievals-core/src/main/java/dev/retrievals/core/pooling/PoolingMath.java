package dev.retrievals.core.pooling;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.Scalars;
import java.util.Arrays;

/**
 * Helpers shared by the poolings: shape checks, the mask as weights, L2 normalisation, on NDArrays
 * and on plain Java arrays.
 */
public final class PoolingMath {
    /** The NDArray engine that can run a pooling's NDArray form when it has no plain-Java form. */
    private static final String NDARRAY_ENGINE = "PyTorch";

    private PoolingMath() {}

    /** Fails unless embeddings are {@code [batch, sequence, hidden]} and the mask {@code [batch, sequence]}. */
    static void checkShapes(String pooling, NDArray tokenEmbeddings, NDArray attentionMask) {
        var hidden = tokenEmbeddings.getShape();
        var mask = attentionMask.getShape();
        if (hidden.dimension() != 3 || mask.dimension() != 2 || hidden.get(0) != mask.get(0) || hidden.get(1) != mask.get(1)) {
            throw new RetrievalsException(pooling + " pooling expects token embeddings [batch, sequence, hidden] and an"
                    + " attention mask [batch, sequence]; got " + hidden + " and " + mask);
        }
    }

    /** The mask as {@code [batch, sequence, 1]} in the embeddings' data type, ready to multiply. */
    static NDArray maskWeights(NDArray tokenEmbeddings, NDArray attentionMask) {
        return attentionMask.toType(tokenEmbeddings.getDataType(), false).expandDims(2);
    }

    /** Sum over the sequence of {@code embeddings * weights} ({@code weights} is {@code [batch, sequence, 1]}). */
    static NDArray weightedSum(NDArray tokenEmbeddings, NDArray weights) {
        return tokenEmbeddings.mul(weights).sum(new int[] {1});
    }

    /** Rows divided by their L2 norm (at least 1e-12, as {@code torch.nn.functional.normalize}). */
    public static NDArray l2Normalize(NDArray embeddings) {
        return embeddings.div(Scalars.maximum(embeddings.norm(new int[] {-1}, true), 1e-12));
    }

    /** A vector divided by its L2 norm (at least 1e-12, as {@code torch.nn.functional.normalize}), as a new array. */
    public static float[] l2Normalize(float[] vector) {
        double squares = 0;
        for (float value : vector) {
            squares += (double) value * value;
        }
        double norm = Math.max(Math.sqrt(squares), 1e-12);
        float[] normalized = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            normalized[i] = (float) (vector[i] / norm);
        }
        return normalized;
    }

    /**
     * Fails unless a flattened {@code [batch, sequence, hidden]} array matches a rectangular
     * {@code [batch][sequence]} mask; returns the sequence length.
     */
    static int checkShapes(String pooling, float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        int sequence = attentionMask.length == 0 ? 0 : attentionMask[0].length;
        for (long[] row : attentionMask) {
            if (row.length != sequence) {
                throw new RetrievalsException(pooling + " pooling expects an attention mask whose rows have one length;"
                        + " got rows of " + sequence + " and " + row.length);
            }
        }
        if (hidden < 1 || (long) attentionMask.length * sequence * hidden != tokenEmbeddings.length) {
            throw new RetrievalsException(pooling + " pooling expects " + attentionMask.length + " x " + sequence + " x " + hidden
                    + " token embedding values for an attention mask [" + attentionMask.length + ", " + sequence + "] and hidden "
                    + hidden + "; got " + tokenEmbeddings.length);
        }
        return sequence;
    }

    /** How much one position of one row weighs in a weighted sum. */
    @FunctionalInterface
    interface PositionWeight {
        double weight(int position, long mask);
    }

    /** Turns a row's weighted sum and total weight into the pooled value. */
    @FunctionalInterface
    interface Divisor {
        double of(double totalWeight);
    }

    /**
     * Per row, {@code sum over positions of weight * embedding} divided by {@code divisor(total weight)},
     * in double precision.
     */
    static float[][] weightedPool(String pooling, float[] tokenEmbeddings, int hidden, long[][] attentionMask,
            PositionWeight weight, Divisor divisor) {
        int sequence = checkShapes(pooling, tokenEmbeddings, hidden, attentionMask);
        float[][] pooled = new float[attentionMask.length][hidden];
        double[] sums = new double[hidden];
        for (int row = 0; row < attentionMask.length; row++) {
            Arrays.fill(sums, 0);
            double total = 0;
            for (int position = 0; position < sequence; position++) {
                double w = weight.weight(position, attentionMask[row][position]);
                if (w == 0) {
                    continue;
                }
                total += w;
                int offset = (row * sequence + position) * hidden;
                for (int unit = 0; unit < hidden; unit++) {
                    sums[unit] += w * tokenEmbeddings[offset + unit];
                }
            }
            double by = divisor.of(total);
            for (int unit = 0; unit < hidden; unit++) {
                pooled[row][unit] = (float) (sums[unit] / by);
            }
        }
        return pooled;
    }

    /** The embedding at one position per row ({@code positions[row]}). */
    static float[][] pick(float[] tokenEmbeddings, int hidden, int sequence, int[] positions) {
        float[][] pooled = new float[positions.length][];
        for (int row = 0; row < positions.length; row++) {
            int offset = (row * sequence + positions[row]) * hidden;
            pooled[row] = Arrays.copyOfRange(tokenEmbeddings, offset, offset + hidden);
        }
        return pooled;
    }

    /**
     * The plain-array form of a pooling that has only an NDArray form: runs it on DJL's PyTorch
     * engine when that is on the class path.
     */
    static float[][] poolOnEngine(Pooling pooling, float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        String name = pooling.getClass().getName();
        int sequence = checkShapes(name, tokenEmbeddings, hidden, attentionMask);
        if (!Engine.hasEngine(NDARRAY_ENGINE)) {
            throw new RetrievalsException("Pooling " + name + " has no plain-Java form, and pooling it needs DJL's PyTorch engine,"
                    + " which is not on the class path: add ai.djl.pytorch:pytorch-engine and a native, or export the model"
                    + " with the pooling inside the graph");
        }
        try (NDManager manager = Engine.getEngine(NDARRAY_ENGINE).newBaseManager()) {
            NDArray tokens = manager.create(tokenEmbeddings, new Shape(attentionMask.length, sequence, hidden));
            float[] flat = pooling.pool(tokens, manager.create(attentionMask)).toFloatArray();
            float[][] pooled = new float[attentionMask.length][];
            for (int row = 0; row < pooled.length; row++) {
                pooled[row] = Arrays.copyOfRange(flat, row * hidden, (row + 1) * hidden);
            }
            return pooled;
        }
    }
}
