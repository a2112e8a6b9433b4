package dev.retrievals.core.spi;

import java.util.Collections;
import java.util.Map;

/** Checked option values of one plugin, produced by {@link OptionSet#parse}. Immutable. */
public final class Options {
    private final String owner;
    private final Map<String, Object> values;

    Options(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(values);
    }

    /** The value of an option; {@code null} only for an optional option without a default that was not given. */
    public <V> V get(OptionSpec<V> spec) {
        Object value = values.get(spec.name());
        if (value == null && !values.containsKey(spec.name()) && spec.isRequired()) {
            throw new IllegalStateException("Option '" + spec.name() + "' of " + owner + " was not parsed by its OptionSet");
        }
        return spec.type().cast(value);
    }

    /** Whether the caller gave the option or it has a default. */
    public boolean has(OptionSpec<?> spec) {
        return values.get(spec.name()) != null;
    }

    /** The values by option name (for logs and saved configurations). */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return owner + " " + values;
    }
}
