package dev.retrievals.core.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options a plugin accepts. {@link #parse} turns a caller's map (text values from a command
 * line or configuration, or typed Java values) into checked {@link Options}; an unknown key is an
 * error that lists the known ones, never silently ignored.
 */
public final class OptionSet {
    private static final OptionSet EMPTY = new OptionSet(List.of());

    private final Map<String, OptionSpec<?>> specs;
    private final Map<String, OptionSpec<?>> formerNames;

    private OptionSet(List<OptionSpec<?>> specs) {
        Map<String, OptionSpec<?>> byName = new LinkedHashMap<>();
        Map<String, OptionSpec<?>> byFormerName = new LinkedHashMap<>();
        for (OptionSpec<?> spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("Option '" + spec.name() + "' is declared twice");
            }
            spec.formerNames().forEach(old -> byFormerName.put(old, spec));
        }
        for (String old : byFormerName.keySet()) {
            if (byName.containsKey(old)) {
                throw new IllegalArgumentException("Option '" + old + "' is declared and also a former name of another option");
            }
        }
        this.specs = byName;
        this.formerNames = byFormerName;
    }

    /** A set with the given options, in the order given (the order {@code retrievals info} shows). */
    public static OptionSet of(OptionSpec<?>... specs) {
        return new OptionSet(List.of(specs));
    }

    /** A set that accepts no options. */
    public static OptionSet empty() {
        return EMPTY;
    }

    /** The declared options, in declaration order. */
    public List<OptionSpec<?>> specs() {
        return List.copyOf(specs.values());
    }

    /** All defaults; fails if an option is required. */
    public Options defaults(String owner) {
        return parse(Map.of(), owner);
    }

    /**
     * Checks a caller's values and fills in defaults.
     *
     * @param given option name to value (text, or a value of the option's type); keys match
     *     case-insensitively; a deprecated former name ({@link OptionSpec#formerly}) sets its option
     *     and issues one warning naming the option to use ({@link DeprecationWarnings}, once per JVM)
     * @param owner the plugin, for messages, for example {@code loss 'infonce'}
     * @throws InvalidOptionException for an unknown key, a missing required option, or a bad value
     */
    public Options parse(Map<String, ?> given, String owner) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : given.entrySet()) {
            String key = entry.getKey().trim().toLowerCase(Locale.ROOT);
            OptionSpec<?> spec = specs.get(key);
            if (spec == null && formerNames.containsKey(key)) {
                spec = formerNames.get(key);
                DeprecationWarnings.warnOnce("Option '" + key + "' of " + owner + " is deprecated; use '" + spec.name() + "'");
            }
            if (spec == null) {
                throw new InvalidOptionException(entry.getKey(), unknownKeyMessage(entry.getKey(), owner));
            }
            if (values.put(spec.name(), spec.check(entry.getValue(), owner)) != null) {
                throw new InvalidOptionException(entry.getKey(), "Option '" + spec.name() + "' of " + owner + " is given twice"
                        + (spec.formerNames().isEmpty() ? "" : " (also as its former name " + String.join(" or ", spec.formerNames()) + ")"));
            }
        }
        List<String> missing = new ArrayList<>();
        for (OptionSpec<?> spec : specs.values()) {
            if (!values.containsKey(spec.name())) {
                if (spec.isRequired()) {
                    missing.add(spec.name());
                } else if (spec.defaultValue() != null) {
                    values.put(spec.name(), spec.defaultValue());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidOptionException(missing.get(0), "Missing required option" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " of " + owner + " ("
                    + specs.get(missing.get(0)).description() + ")");
        }
        return new Options(owner, values);
    }

    private String unknownKeyMessage(String key, String owner) {
        if (specs.isEmpty()) {
            return "Unknown option '" + key + "': " + owner + " takes no options";
        }
        return "Unknown option '" + key + "' for " + owner + "; known options: " + String.join(", ", specs.keySet());
    }
}
