package dev.retrievals.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flags of one subcommand: {@code --name value}, {@code --name=value}, boolean switches and
 * repeatable flags. An unknown flag, a missing value or a repeated single flag is a
 * {@link UsageException} naming it.
 */
final class Arguments {
    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Arguments(String command) {
        this.command = command;
    }

    /**
     * Parses flags.
     *
     * @param valued flags that take a value, without dashes
     * @param switches flags without a value
     * @param repeatable valued flags that may appear several times
     */
    static Arguments parse(String command, String[] args, Set<String> valued, Set<String> switches, Set<String> repeatable) {
        Arguments parsed = new Arguments(command);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' for '" + command + "'; options start with --");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("option --" + name + " of '" + command + "' takes no value");
                }
                parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                continue;
            }
            if (!valued.contains(name) && !repeatable.contains(name)) {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(switches);
                known.addAll(repeatable);
                throw new UsageException("unknown option --" + name + " for '" + command + "'; known options: --"
                        + String.join(", --", known));
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option --" + name + " of '" + command + "' needs a value");
                }
                value = args[++i];
            }
            List<String> list = parsed.values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(name)) {
                throw new UsageException("option --" + name + " of '" + command + "' is given twice");
            }
            list.add(value);
        }
        return parsed;
    }

    /** The value of a flag, or {@code null}. */
    String get(String name) {
        List<String> list = values.get(name);
        return list == null ? null : list.get(0);
    }

    /** The value of a flag that must be given. */
    String require(String name) {
        String value = get(name);
        if (value == null) {
            throw new UsageException("'" + command + "' needs --" + name);
        }
        return value;
    }

    /** All values of a repeatable flag. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Whether a switch or flag was given. */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A flag's integer value, or {@code null}. */
    Integer integer(String name) {
        String value = get(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " of '" + command + "' is '" + value + "'; expected an integer");
        }
    }

    /** {@code key=value} pairs of a repeatable flag as a map. */
    Map<String, String> keyValues(String name) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : all(name)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("option --" + name + " of '" + command + "' is '" + pair + "'; expected key=value");
            }
            map.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return map;
    }
}
