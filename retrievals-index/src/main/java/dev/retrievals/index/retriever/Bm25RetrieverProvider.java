package dev.retrievals.index.retriever;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link Bm25Retriever} as the retriever named {@code bm25}. */
@AutoService(PluginProvider.class)
public final class Bm25RetrieverProvider extends RetrieverProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public Bm25RetrieverProvider() {
        super(Bm25Retriever.NAME, "Lucene BM25 on the documents' texts (analyzer standard, english or smartcn).",
                OptionSet.of(Analyzers.ANALYZER, Analyzers.K1, Analyzers.B), Bm25Retriever::fromOptions);
    }
}
