package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link RerankPairCollator} as the collator named {@code rerank_pair}. */
@AutoService(PluginProvider.class)
public final class RerankPairCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public RerankPairCollatorProvider() {
        super(RerankPairCollator.NAME, "(sentence1, sentence2, score) pairs tokenized together for a reranker (cross-encoder), scores"
                + " divided by score_scale.", RerankPairCollator.OPTIONS, RerankPairCollator::new);
    }
}
