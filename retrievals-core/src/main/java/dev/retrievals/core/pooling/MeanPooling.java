package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;
import dev.retrievals.core.ndarray.Scalars;

/** The mean of the real tokens' embeddings (padding excluded). */
public final class MeanPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("mean", tokenEmbeddings, attentionMask);
        NDArray weights = PoolingMath.maskWeights(tokenEmbeddings, attentionMask);
        return PoolingMath.weightedSum(tokenEmbeddings, weights).div(Scalars.maximum(weights.sum(new int[] {1}), 1e-9));
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        return PoolingMath.weightedPool("mean", tokenEmbeddings, hidden, attentionMask, (position, mask) -> mask,
                total -> Math.max(total, 1e-9));
    }

    /** Registers {@link MeanPooling} as the pooling named {@code mean}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "mean", "The mean of the real tokens' embeddings (padding excluded).", MeanPooling::new);
        }
    }
}
