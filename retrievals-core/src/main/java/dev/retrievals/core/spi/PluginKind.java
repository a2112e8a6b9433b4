package dev.retrievals.core.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of plugin (loss, pooling, collator …): an id used in messages and configuration, and the
 * Java type every plugin of this kind implements. Two kinds are equal when their ids are equal.
 *
 * @param <T> the type that plugins of this kind create
 */
public final class PluginKind<T> {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");

    private final String id;
    private final Class<T> type;

    private PluginKind(String id, Class<T> type) {
        this.id = id;
        this.type = type;
    }

    /**
     * Declares a kind.
     *
     * @param id lower snake case id, for example {@code loss}
     * @param type the interface that plugins of this kind implement
     */
    public static <T> PluginKind<T> of(String id, Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "Plugin kind id '" + id + "' must be lower snake case ([a-z][a-z0-9_]*)");
        }
        return new PluginKind<>(id, type);
    }

    /** The lower snake case id, for example {@code loss}. */
    public String id() {
        return id;
    }

    /** The interface every plugin of this kind implements. */
    public Class<T> type() {
        return type;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PluginKind<?> kind && kind.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
