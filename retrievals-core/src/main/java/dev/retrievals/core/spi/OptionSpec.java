package dev.retrievals.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One option of a plugin: its name, type, default, allowed values and a one-line description.
 * Specs are immutable; the narrowing methods ({@link #greaterThan}, {@link #atMost} …) return new
 * specs. A value given as text (from a command line or a configuration file) is converted to the
 * option's type; a value of the right Java type is taken as it is. Either way it is checked.
 *
 * @param <V> the Java type of the value
 */
public final class OptionSpec<V> {
    private final String name;
    private final Class<V> type;
    private final V defaultValue;
    private final boolean required;
    private final String description;
    private final String expected;
    private final Function<Object, V> converter;
    private final Interval interval;
    private final List<String> choices;
    private final List<String> formerNames;

    private OptionSpec(
            String name, Class<V> type, V defaultValue, boolean required, String description, String expected,
            Function<Object, V> converter, Interval interval, List<String> choices) {
        this(name, type, defaultValue, required, description, expected, converter, interval, choices, List.of());
    }

    private OptionSpec(
            String name, Class<V> type, V defaultValue, boolean required, String description, String expected,
            Function<Object, V> converter, Interval interval, List<String> choices, List<String> formerNames) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.required = required;
        this.description = description;
        this.expected = expected;
        this.converter = converter;
        this.interval = interval;
        this.choices = choices;
        this.formerNames = formerNames;
    }

    private static <V> OptionSpec<V> create(
            String name, Class<V> type, V defaultValue, String description, String expected, Function<Object, V> converter) {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("Option name '" + name + "' must be lower snake case");
        }
        return new OptionSpec<>(name, type, defaultValue, false, Objects.requireNonNull(description, "description"),
                expected, converter, null, List.of());
    }

    /** A floating-point option. */
    public static OptionSpec<Double> ofDouble(String name, double defaultValue, String description) {
        return create(name, Double.class, defaultValue, description, "a number", OptionSpec::toDouble);
    }

    /** An integer option. */
    public static OptionSpec<Integer> ofInt(String name, int defaultValue, String description) {
        return create(name, Integer.class, defaultValue, description, "an integer", OptionSpec::toInt);
    }

    /** A boolean option; text must be {@code true} or {@code false}. */
    public static OptionSpec<Boolean> ofBoolean(String name, boolean defaultValue, String description) {
        return create(name, Boolean.class, defaultValue, description, "true or false", OptionSpec::toBoolean);
    }

    /** A free-text option. */
    public static OptionSpec<String> ofString(String name, String defaultValue, String description) {
        return create(name, String.class, defaultValue, description, "text", OptionSpec::toText);
    }

    /** One of a fixed set of lower-case words; matching is case-insensitive. */
    public static OptionSpec<String> ofChoice(String name, String defaultValue, String description, String... choices) {
        List<String> allowed = List.of(choices);
        if (defaultValue != null && !allowed.contains(defaultValue)) {
            throw new IllegalArgumentException("Default '" + defaultValue + "' of option '" + name + "' is not one of " + allowed);
        }
        OptionSpec<String> spec = create(name, String.class, defaultValue, description, "one of " + String.join(", ", allowed),
                raw -> toText(raw).toLowerCase(Locale.ROOT));
        return new OptionSpec<>(spec.name, spec.type, spec.defaultValue, false, spec.description, spec.expected,
                spec.converter, null, allowed);
    }

    /** An option holding an object (a tokenizer, a callback …), given only through the typed API. */
    public static <V> OptionSpec<V> ofType(String name, Class<V> type, String description) {
        return create(name, type, null, description, "a " + type.getName(), raw -> {
            if (!type.isInstance(raw)) {
                throw new IllegalArgumentException();
            }
            return type.cast(raw);
        });
    }

    /** The same option without a default: callers must give it. */
    public OptionSpec<V> required() {
        return new OptionSpec<>(name, type, null, true, description, expected, converter, interval, choices, formerNames);
    }

    /**
     * The same option, also accepted under deprecated former names: an {@link OptionSet} maps a value
     * given under one of them to this option and logs a warning that names this option.
     */
    public OptionSpec<V> formerly(String... oldNames) {
        List<String> names = new ArrayList<>(formerNames);
        for (String old : oldNames) {
            if (old == null || !old.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("Former option name '" + old + "' must be lower snake case");
            }
            names.add(old);
        }
        return new OptionSpec<>(name, type, defaultValue, required, description, expected, converter, interval, choices,
                List.copyOf(names));
    }

    /** The deprecated names this option was known by (see {@link #formerly}). */
    public List<String> formerNames() {
        return formerNames;
    }

    /** The same option restricted to values strictly above {@code bound}. */
    public OptionSpec<V> greaterThan(double bound) {
        return bounded(currentInterval().withLower(bound, false));
    }

    /** The same option restricted to values at or above {@code bound}. */
    public OptionSpec<V> atLeast(double bound) {
        return bounded(currentInterval().withLower(bound, true));
    }

    /** The same option restricted to values strictly below {@code bound}. */
    public OptionSpec<V> lessThan(double bound) {
        return bounded(currentInterval().withUpper(bound, false));
    }

    /** The same option restricted to values at or below {@code bound}. */
    public OptionSpec<V> atMost(double bound) {
        return bounded(currentInterval().withUpper(bound, true));
    }

    private Interval currentInterval() {
        if (!Number.class.isAssignableFrom(type)) {
            throw new IllegalStateException("Option '" + name + "' is not numeric; it cannot have a range");
        }
        return interval == null ? Interval.ALL : interval;
    }

    private OptionSpec<V> bounded(Interval narrowed) {
        if (defaultValue != null && !narrowed.contains(((Number) defaultValue).doubleValue())) {
            throw new IllegalArgumentException("Default " + defaultValue + " of option '" + name + "' is outside " + narrowed);
        }
        return new OptionSpec<>(name, type, defaultValue, required, description, expected, converter, narrowed, choices,
                formerNames);
    }

    /** The option's lower snake case name. */
    public String name() {
        return name;
    }

    /** The Java type of the value. */
    public Class<V> type() {
        return type;
    }

    /** The default, or {@code null} when the option is required or has no default. */
    public V defaultValue() {
        return defaultValue;
    }

    /** Whether callers must give a value. */
    public boolean isRequired() {
        return required;
    }

    /** One line that says what the option does. */
    public String description() {
        return description;
    }

    /** What values are allowed, in words: for example {@code a number in (0, +inf)}. */
    public String allowed() {
        if (interval != null) {
            return expected + " in " + interval;
        }
        return expected;
    }

    /**
     * Converts and checks a value.
     *
     * @param raw text or a value of the option's type
     * @param owner the plugin, for messages, for example {@code loss 'infonce'}
     * @throws InvalidOptionException naming the option, the value and what is allowed
     */
    public V check(Object raw, String owner) {
        if (raw == null) {
            throw new InvalidOptionException(name, "Option '" + name + "' of " + owner + " has no value; allowed: " + allowed());
        }
        V value;
        try {
            value = converter.apply(raw);
        } catch (RuntimeException notConvertible) {
            throw invalid(raw, owner);
        }
        if (value instanceof Number number && interval != null && !interval.contains(number.doubleValue())) {
            throw invalid(raw, owner);
        }
        if (!choices.isEmpty() && !choices.contains(value)) {
            throw invalid(raw, owner);
        }
        return value;
    }

    private InvalidOptionException invalid(Object raw, String owner) {
        String shown = raw instanceof CharSequence ? "'" + raw + "'" : String.valueOf(raw);
        return new InvalidOptionException(name, "Option '" + name + "' of " + owner + " is " + shown + "; allowed: " + allowed());
    }

    private static Double toDouble(Object raw) {
        double value = raw instanceof Number number ? number.doubleValue() : Double.parseDouble(toText(raw).trim());
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("NaN");
        }
        return value;
    }

    private static Integer toInt(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return Math.toIntExact(((Number) raw).longValue());
        }
        double value = raw instanceof Number number ? number.doubleValue() : Double.parseDouble(toText(raw).trim());
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not an integer");
        }
        return (int) value;
    }

    private static Boolean toBoolean(Object raw) {
        if (raw instanceof Boolean bool) {
            return bool;
        }
        String text = toText(raw).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("not a boolean");
        }
        return Boolean.valueOf(text);
    }

    private static String toText(Object raw) {
        if (!(raw instanceof CharSequence)) {
            throw new IllegalArgumentException("not text");
        }
        return raw.toString();
    }

    /** A numeric range with open or closed ends, printed in interval notation. */
    private record Interval(double lower, boolean lowerClosed, double upper, boolean upperClosed) {
        static final Interval ALL = new Interval(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

        Interval withLower(double bound, boolean closed) {
            return new Interval(bound, closed, upper, upperClosed);
        }

        Interval withUpper(double bound, boolean closed) {
            return new Interval(lower, lowerClosed, bound, closed);
        }

        boolean contains(double value) {
            boolean aboveLower = lowerClosed ? value >= lower : value > lower;
            boolean belowUpper = upperClosed ? value <= upper : value < upper;
            return aboveLower && belowUpper;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            parts.add((lowerClosed ? "[" : "(") + format(lower));
            parts.add(format(upper) + (upperClosed ? "]" : ")"));
            return String.join(", ", parts);
        }

        private static String format(double bound) {
            if (Double.isInfinite(bound)) {
                return bound > 0 ? "+inf" : "-inf";
            }
            return bound == Math.rint(bound) ? String.valueOf((long) bound) : String.valueOf(bound);
        }
    }
}
