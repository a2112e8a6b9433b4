package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;

/** Registers {@link BinaryCrossEntropy} as the loss named {@value BinaryCrossEntropy#NAME}. */
@AutoService(PluginProvider.class)
public final class BinaryCrossEntropyProvider extends SimplePluginProvider<Loss> {
    /** Called by {@link java.util.ServiceLoader}. */
    public BinaryCrossEntropyProvider() {
        super(PluginKinds.LOSS, BinaryCrossEntropy.NAME, "Binary cross-entropy on a reranker's pair logits against labels or scores in [0, 1].", BinaryCrossEntropy::create);
    }
}
