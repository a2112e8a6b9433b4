package dev.retrievals.index.retriever;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link ExactRetriever} as the retriever named {@code exact}. */
@AutoService(PluginProvider.class)
public final class ExactRetrieverProvider extends RetrieverProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public ExactRetrieverProvider() {
        super(ExactRetriever.NAME, "Exact cosine search, blockwise over the memory-mapped corpus vectors (memory bounded by block_size).",
                OptionSet.of(ExactRetriever.BLOCK_SIZE, ExactRetriever.QUERY_BATCH, ExactRetriever.THREADS), ExactRetriever::fromOptions);
    }
}
