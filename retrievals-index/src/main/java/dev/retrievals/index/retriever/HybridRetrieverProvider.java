package dev.retrievals.index.retriever;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link HybridRetriever} as the retriever named {@code hybrid}. */
@AutoService(PluginProvider.class)
public final class HybridRetrieverProvider extends RetrieverProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public HybridRetrieverProvider() {
        super(HybridRetriever.NAME, "Reciprocal-rank fusion of a dense retriever (exact or hnsw) and bm25.",
                OptionSet.of(HybridRetriever.DENSE, Analyzers.ANALYZER, Analyzers.K1, Analyzers.B, HybridRetriever.RRF_K,
                        HybridRetriever.DEPTH), HybridRetriever::fromOptions);
    }
}
