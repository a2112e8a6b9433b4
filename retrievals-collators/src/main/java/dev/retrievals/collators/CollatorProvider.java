package dev.retrievals.collators;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import java.util.function.Function;

/**
 * The common part of this module's collator providers. The tokenizer is passed as the typed
 * option {@code tokenizer} (a loaded {@link dev.retrievals.core.collator.TextTokenizer}), since the
 * trainer already holds it; its {@code max_length} bounds the collator's.
 */
abstract class CollatorProvider implements PluginProvider<Collator> {
    private final String name;
    private final String description;
    private final OptionSet options;
    private final Function<Options, Collator> factory;

    CollatorProvider(String name, String description, OptionSet options, Function<Options, Collator> factory) {
        this.name = name;
        this.description = description;
        this.options = options;
        this.factory = factory;
    }

    @Override
    public final PluginKind<Collator> kind() {
        return PluginKinds.COLLATOR;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final OptionSet options() {
        return options;
    }

    @Override
    public final Collator create(Options checked) {
        return factory.apply(checked);
    }
}
