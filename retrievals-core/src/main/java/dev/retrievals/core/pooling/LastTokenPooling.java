package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** The embedding of the last real token, for right- or left-padded batches (decoder-style models). */
public final class LastTokenPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("lasttoken", tokenEmbeddings, attentionMask);
        long sequence = tokenEmbeddings.getShape().get(1);
        // The last position whose mask is 1: flip, take the first maximum, map back (as sentence-transformers).
        NDArray mask = attentionMask.toType(DataType.INT64, false);
        NDArray fromEnd = mask.flip(1).argMax(1);
        NDArray lastIndex = fromEnd.neg().add(sequence - 1).toType(DataType.INT64, false);
        NDArray index = lastIndex.reshape(-1, 1, 1).broadcast(tokenEmbeddings.getShape().get(0), 1, tokenEmbeddings.getShape().get(2));
        return tokenEmbeddings.gather(index, 1).squeeze(1);
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        int sequence = PoolingMath.checkShapes("lasttoken", tokenEmbeddings, hidden, attentionMask);
        int[] positions = new int[attentionMask.length];
        for (int row = 0; row < positions.length; row++) {
            // The last position holding the row's largest mask value (the last real token; the last position if none).
            long largest = Long.MIN_VALUE;
            for (int position = sequence - 1; position >= 0; position--) {
                if (attentionMask[row][position] > largest) {
                    largest = attentionMask[row][position];
                    positions[row] = position;
                }
            }
        }
        return PoolingMath.pick(tokenEmbeddings, hidden, sequence, positions);
    }

    /** Registers {@link LastTokenPooling} as the pooling named {@code lasttoken}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "lasttoken", "The embedding of the last real token, for right- or left-padded batches (decoder-style models).", LastTokenPooling::new);
        }
    }
}
