package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** Registers {@link ListwiseCrossEntropy} as the loss named {@value ListwiseCrossEntropy#NAME}. */
@AutoService(PluginProvider.class)
public final class ListwiseCrossEntropyProvider extends SimplePluginProvider<Loss> {
    /** Called by {@link java.util.ServiceLoader}. */
    public ListwiseCrossEntropyProvider() {
        super(PluginKinds.LOSS, ListwiseCrossEntropy.NAME, "List-wise softmax cross-entropy over a reranker's group logits, positive first (FlagEmbedding's reranker loss).", ListwiseCrossEntropy::create);
    }
}
