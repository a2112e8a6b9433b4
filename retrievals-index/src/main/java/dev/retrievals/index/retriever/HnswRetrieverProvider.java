package dev.retrievals.index.retriever;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link HnswRetriever} as the retriever named {@code hnsw}. */
@AutoService(PluginProvider.class)
public final class HnswRetrieverProvider extends RetrieverProvider {
    static final OptionSet OPTIONS = OptionSet.of(HnswRetriever.M, HnswRetriever.BEAM_WIDTH, HnswRetriever.EF_SEARCH,
            HnswRetriever.QUANTIZATION, HnswRetriever.RESCORE, HnswRetriever.THREADS);

    /** Called by {@link java.util.ServiceLoader}. */
    public HnswRetrieverProvider() {
        super(HnswRetriever.NAME, "Lucene HNSW approximate search on an on-disk index (m, beam_width, ef_search, optional int8; built on all cores).",
                OPTIONS, HnswRetriever::fromOptions);
    }
}
