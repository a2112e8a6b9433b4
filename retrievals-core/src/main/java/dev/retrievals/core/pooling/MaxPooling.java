package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;
import java.util.Arrays;

/** The element-wise maximum over the real tokens' embeddings. */
public final class MaxPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("max", tokenEmbeddings, attentionMask);
        NDArray padding = PoolingMath.maskWeights(tokenEmbeddings, attentionMask).eq(0);
        // Padding positions become -1e9, as sentence-transformers does, so they never win the maximum.
        return tokenEmbeddings.add(padding.toType(tokenEmbeddings.getDataType(), false).mul(-1e9f)).max(new int[] {1});
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        int sequence = PoolingMath.checkShapes("max", tokenEmbeddings, hidden, attentionMask);
        float[][] pooled = new float[attentionMask.length][hidden];
        for (int row = 0; row < pooled.length; row++) {
            Arrays.fill(pooled[row], Float.NEGATIVE_INFINITY);
            for (int position = 0; position < sequence; position++) {
                // Padding positions count as value - 1e9, as in the NDArray form (sentence-transformers).
                float shift = attentionMask[row][position] == 0 ? -1e9f : 0f;
                int offset = (row * sequence + position) * hidden;
                for (int unit = 0; unit < hidden; unit++) {
                    pooled[row][unit] = Math.max(pooled[row][unit], tokenEmbeddings[offset + unit] + shift);
                }
            }
        }
        return pooled;
    }

    /** Registers {@link MaxPooling} as the pooling named {@code max}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "max", "The element-wise maximum over the real tokens' embeddings.", MaxPooling::new);
        }
    }
}
