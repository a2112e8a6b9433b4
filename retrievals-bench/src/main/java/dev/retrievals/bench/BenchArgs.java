package dev.retrievals.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** Command-line settings of a benchmark, given as {@code key=value} words; unknown keys are an error. */
public final class BenchArgs {
    private final Map<String, String> values;
    private final String owner;

    private BenchArgs(Map<String, String> values, String owner) {
        this.values = values;
        this.owner = owner;
    }

    /** Parses {@code key=value} words. */
    public static BenchArgs parse(String owner, String... words) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(owner + ": argument '" + word + "' is not key=value");
            }
            values.put(word.substring(0, equals), word.substring(equals + 1));
        }
        return new BenchArgs(values, owner);
    }

    /** A text setting, or its default. */
    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** A positive integer setting, or its default. */
    public int integer(String key, int fallback) {
        return parsed(key, fallback, Integer::parseInt, value -> value >= 1, "an integer >= 1");
    }

    /** A finite number setting at least 0, or its default. */
    public double decimal(String key, double fallback) {
        return parsed(key, fallback, Double::parseDouble, value -> value >= 0 && !Double.isInfinite(value), "a finite number >= 0");
    }

    private <T> T parsed(String key, T fallback, Function<String, T> parse, Predicate<T> valid, String expected) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            T parsed = parse.apply(value);
            if (!valid.test(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(owner + ": " + key + "=" + value + " is not " + expected, e);
        }
    }

    /** A required path setting. */
    public Path path(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(owner + ": missing " + key + "=<path>");
        }
        return Path.of(value);
    }

    /** Fails naming the keys that are not among {@code known}. */
    public BenchArgs allow(String... known) {
        Map<String, String> unknown = new LinkedHashMap<>(values);
        for (String key : known) {
            unknown.remove(key);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(owner + ": unknown settings " + unknown.keySet() + "; allowed: " + String.join(", ", known));
        }
        return this;
    }
}
