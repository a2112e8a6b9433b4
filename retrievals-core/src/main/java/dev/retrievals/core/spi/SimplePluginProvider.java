package dev.retrievals.core.spi;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A provider made of a kind, a name, a description, options and a factory: subclass it with a
 * no-argument constructor that passes them, and annotate the subclass with
 * {@code @AutoService(PluginProvider.class)}.
 *
 * @param <T> the type of plugin
 */
public abstract class SimplePluginProvider<T> implements PluginProvider<T> {
    private final PluginKind<T> kind;
    private final String name;
    private final String description;
    private final OptionSet options;
    private final Function<Options, ? extends T> factory;

    /** A provider of a plugin without options. */
    protected SimplePluginProvider(PluginKind<T> kind, String name, String description, Supplier<? extends T> factory) {
        this(kind, name, description, OptionSet.empty(), options -> factory.get());
        Objects.requireNonNull(factory, "factory");
    }

    /** A provider whose plugins are made from checked options. */
    protected SimplePluginProvider(
            PluginKind<T> kind, String name, String description, OptionSet options, Function<Options, ? extends T> factory) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.options = Objects.requireNonNull(options, "options");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public final PluginKind<T> kind() {
        return kind;
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
    public T create(Options checked) {
        return factory.apply(checked);
    }
}
