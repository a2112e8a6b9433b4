package dev.retrievals.index.retriever;

import dev.retrievals.core.search.Retriever;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.SimplePluginProvider;
import java.util.function.Function;

/** The common part of this package's retriever providers: name, description, options and a factory. */
abstract class RetrieverProvider extends SimplePluginProvider<Retriever> {
    RetrieverProvider(String name, String description, OptionSet options, Function<Options, Retriever> factory) {
        super(PluginKinds.RETRIEVER, name, description, options, factory);
    }
}
