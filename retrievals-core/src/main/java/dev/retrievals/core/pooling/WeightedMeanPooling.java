package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;
import dev.retrievals.core.ndarray.Scalars;

/** A mean of the real tokens' embeddings weighted by position (1, 2, 3 …), favouring later tokens. */
public final class WeightedMeanPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("weightedmean", tokenEmbeddings, attentionMask);
        long sequence = tokenEmbeddings.getShape().get(1);
        NDArray positions = tokenEmbeddings.getManager().arange(1f, sequence + 1f).toType(tokenEmbeddings.getDataType(), false);
        NDArray weights = PoolingMath.maskWeights(tokenEmbeddings, attentionMask).mul(positions.reshape(1, sequence, 1));
        return PoolingMath.weightedSum(tokenEmbeddings, weights).div(Scalars.maximum(weights.sum(new int[] {1}), 1e-9));
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        return PoolingMath.weightedPool("weightedmean", tokenEmbeddings, hidden, attentionMask,
                (position, mask) -> (double) mask * (position + 1), total -> Math.max(total, 1e-9));
    }

    /** Registers {@link WeightedMeanPooling} as the pooling named {@code weightedmean}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "weightedmean", "A mean of the real tokens' embeddings weighted by position (1, 2, 3 …), favouring later tokens.", WeightedMeanPooling::new);
        }
    }
}
