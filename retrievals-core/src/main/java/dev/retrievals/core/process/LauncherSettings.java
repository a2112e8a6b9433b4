package dev.retrievals.core.process;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options and environment the {@code retrievals} command runs with, from the one file that
 * holds them ({@code launcher.properties} beside this class; the distribution's
 * {@code bin/retrievals} reads its copy in {@code conf/}). Benchmarks and memory tests start their
 * child JVMs with these, so what they measure is what users run.
 *
 * <p>Lines: {@code java.options=...} (replaced as a whole by {@code RETRIEVALS_JAVA_OPTS} in the
 * launcher), {@code java.flags=...} (always given), {@code env.NAME=value} (every command),
 * {@code profile.P.commands=c1 c2} and {@code profile.P.env.NAME=value} (only the commands of
 * profile {@code P}), {@code profile.P.preload=FILE FILE ...} (for the commands of profile
 * {@code P}, {@code LD_PRELOAD} is the first of these libraries that exists on the machine, if any).
 * A variable is set unless the caller's environment has it ({@code LD_PRELOAD=} set empty turns the
 * preload off); {@code #} starts a comment.
 */
public final class LauncherSettings {
    /** The file, as a class path resource. */
    public static final String RESOURCE = "/dev/retrievals/core/process/launcher.properties";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PROFILE = Pattern.compile("profile\\.([a-z][a-z0-9_-]*)\\.(commands|preload|env\\.(.+))");
    /** The variable a profile's {@code preload} line sets. */
    public static final String PRELOAD_VARIABLE = "LD_PRELOAD";

    private final List<String> javaOptions;
    private final List<String> javaFlags;
    private final Map<String, String> environment;
    private final Map<String, Set<String>> profileCommands;
    private final Map<String, Map<String, String>> profileEnvironment;
    private final Map<String, List<String>> profilePreloads;

    private LauncherSettings(List<String> javaOptions, List<String> javaFlags, Map<String, String> environment,
            Map<String, Set<String>> profileCommands, Map<String, Map<String, String>> profileEnvironment,
            Map<String, List<String>> profilePreloads) {
        this.javaOptions = List.copyOf(javaOptions);
        this.javaFlags = List.copyOf(javaFlags);
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        this.profileCommands = profileCommands;
        this.profileEnvironment = profileEnvironment;
        this.profilePreloads = profilePreloads;
    }

    /** The settings the command ships with. */
    public static LauncherSettings load() {
        try (InputStream in = LauncherSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new RetrievalsException("The class path has no " + RESOURCE + " (is retrievals-core's jar complete?)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /**
     * Parses the file's text.
     *
     * @throws RetrievalsException naming {@code source} and the line for a line of no known kind, a
     *     variable name that is not one, or a profile's variable before its commands
     */
    static LauncherSettings parse(String text, String source) {
        List<String> options = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Set<String>> commands = new LinkedHashMap<>();
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        Map<String, List<String>> preloads = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals);
            String value = equals < 0 ? "" : line.substring(equals + 1);
            Matcher profile = PROFILE.matcher(key);
            if (equals < 0) {
                throw badLine(source, number, line);
            } else if (key.equals("java.options")) {
                options.addAll(words(value));
            } else if (key.equals("java.flags")) {
                flags.addAll(words(value));
            } else if (key.startsWith("env.") && NAME.matcher(key.substring("env.".length())).matches()) {
                environment.put(key.substring("env.".length()), value);
            } else if (profile.matches() && profile.group(2).equals("commands")) {
                commands.put(profile.group(1), new LinkedHashSet<>(words(value)));
            } else if (profile.matches() && (profile.group(3) == null || NAME.matcher(profile.group(3)).matches())) {
                if (!commands.containsKey(profile.group(1))) {
                    throw new RetrievalsException(source + " line " + number + ": profile '" + profile.group(1) + "' has no"
                            + " profile." + profile.group(1) + ".commands line before its variables");
                }
                if (profile.group(3) == null) {
                    preloads.put(profile.group(1), words(value));
                } else {
                    profiles.computeIfAbsent(profile.group(1), p -> new LinkedHashMap<>()).put(profile.group(3), value);
                }
            } else {
                throw badLine(source, number, line);
            }
        }
        return new LauncherSettings(options, flags, environment, commands, profiles, preloads);
    }

    private static RetrievalsException badLine(String source, int number, String line) {
        return new RetrievalsException(source + " line " + number + ": '" + line + "' is not java.options=..., java.flags=...,"
                + " env.NAME=value, profile.P.commands=..., profile.P.env.NAME=value or profile.P.preload=FILE ...");
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : Arrays.asList(value.strip().split("\\s+"));
    }

    /** The JVM options ({@code -Xmx…}), which {@code RETRIEVALS_JAVA_OPTS} replaces in the launcher. */
    public List<String> javaOptions() {
        return javaOptions;
    }

    /** The JVM flags the launcher always gives. */
    public List<String> javaFlags() {
        return javaFlags;
    }

    /** Options then flags: the JVM arguments of the command when {@code RETRIEVALS_JAVA_OPTS} is not set. */
    public List<String> jvmArguments() {
        List<String> all = new ArrayList<>(javaOptions);
        all.addAll(javaFlags);
        return all;
    }

    /**
     * The environment variables the launcher sets (unless already set) for a subcommand: those of
     * every command, then those of the profiles that list it, in file order, and {@code LD_PRELOAD}
     * when such a profile names a library to preload that exists on this machine.
     */
    public Map<String, String> environment(String command) {
        Map<String, String> all = new LinkedHashMap<>(environment);
        profileCommands.forEach((profile, commands) -> {
            if (commands.contains(command)) {
                all.putAll(profileEnvironment.getOrDefault(profile, Map.of()));
                profilePreloads.getOrDefault(profile, List.of()).stream().filter(file -> Files.isRegularFile(Path.of(file)))
                        .findFirst().ifPresent(library -> all.put(PRELOAD_VARIABLE, library));
            }
        });
        return Collections.unmodifiableMap(all);
    }

    /** Every variable the launcher may set, for any command. */
    public Set<String> variables() {
        Set<String> names = new LinkedHashSet<>(environment.keySet());
        profileEnvironment.values().forEach(profile -> names.addAll(profile.keySet()));
        if (!profilePreloads.isEmpty()) {
            names.add(PRELOAD_VARIABLE);
        }
        return Collections.unmodifiableSet(names);
    }
}
