package dev.retrievals.core.spi;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A provider for a plugin without options: subclass it with a no-argument constructor that passes
 * the kind, the name, a description and a factory, and annotate the subclass with
 * {@code @AutoService(PluginProvider.class)}.
 *
 * @param <T> the type of plugin
 */
public abstract class SimplePluginProvider<T> implements PluginProvider<T> {
    private final PluginKind<T> kind;
    private final String name;
    private final String description;
    private final Supplier<? extends T> factory;

    /** A provider that creates plugins with {@code factory}. */
    protected SimplePluginProvider(PluginKind<T> kind, String name, String description, Supplier<? extends T> factory) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
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
    public T create(Options options) {
        return factory.get();
    }
}
