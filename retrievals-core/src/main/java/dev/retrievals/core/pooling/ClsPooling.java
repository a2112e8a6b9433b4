package dev.retrievals.core.pooling;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** The first token's embedding ([CLS] for BERT-style models). */
public final class ClsPooling implements Pooling {

    @Override
    public NDArray pool(NDArray tokenEmbeddings, NDArray attentionMask) {
        PoolingMath.checkShapes("cls", tokenEmbeddings, attentionMask);
        return tokenEmbeddings.get(":, 0, :");
    }

    @Override
    public float[][] pool(float[] tokenEmbeddings, int hidden, long[][] attentionMask) {
        int sequence = PoolingMath.checkShapes("cls", tokenEmbeddings, hidden, attentionMask);
        return PoolingMath.pick(tokenEmbeddings, hidden, sequence, new int[attentionMask.length]);
    }

    /** Registers {@link ClsPooling} as the pooling named {@code cls}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<Pooling> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.POOLING, "cls", "The first token's embedding ([CLS] for BERT-style models).", ClsPooling::new);
        }
    }
}
