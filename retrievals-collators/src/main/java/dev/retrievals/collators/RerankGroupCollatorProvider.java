package dev.retrievals.collators;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link RerankGroupCollator} as the collator named {@code rerank_group}. */
@AutoService(PluginProvider.class)
public final class RerankGroupCollatorProvider extends CollatorProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public RerankGroupCollatorProvider() {
        super(RerankGroupCollator.NAME, "(query, pos, neg) rows drawn into groups of (query, document) pairs for a reranker, positive"
                + " first, optionally with teacher scores.", RerankGroupCollator.OPTIONS, RerankGroupCollator::new);
    }
}
