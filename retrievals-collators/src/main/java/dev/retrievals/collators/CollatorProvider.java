package dev.retrievals.collators;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.SimplePluginProvider;
import java.util.function.Function;

/**
 * The common part of this module's collator providers. The tokenizer is passed as the typed
 * option {@code tokenizer} (a loaded {@link dev.retrievals.core.collator.TextTokenizer}), since the
 * trainer already holds it; its {@code max_length} bounds the collator's.
 */
abstract class CollatorProvider extends SimplePluginProvider<Collator> {
    CollatorProvider(String name, String description, OptionSet options, Function<Options, Collator> factory) {
        super(PluginKinds.COLLATOR, name, description, options, factory);
    }
}
