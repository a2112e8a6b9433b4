package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** The sum of the real tokens' embeddings divided by the square root of their count. */
public final class MeanSqrtLenPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("mean_sqrt_len_tokens", tokenEmbeddings, attentionMask);
        NDArray weights = PoolingMath.maskWeights(tokenEmbeddings, attentionMask);
        return PoolingMath.weightedSum(tokenEmbeddings, weights).div(weights.sum(new int[] {1}).sqrt());
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        return PoolingMath.weightedPool("mean_sqrt_len_tokens", tokenEmbeddings, hidden, attentionMask, (position, mask) -> mask,
                Math::sqrt);
    }

    /** Registers {@link MeanSqrtLenPooling} as the pooling named {@code mean_sqrt_len_tokens}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "mean_sqrt_len_tokens", "The sum of the real tokens' embeddings divided by the square root of their count.", MeanSqrtLenPooling::new);
        }
    }
}
