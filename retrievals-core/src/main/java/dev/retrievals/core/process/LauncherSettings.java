package dev.retrievals.core.process;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM options and environment the {@code retrievals} command runs with, from the one file that
 * holds them ({@code launcher.properties} beside this class; the distribution's
 * {@code bin/retrievals} reads its copy in {@code conf/}). Benchmarks and memory tests start their
 * child JVMs with these, so what they measure is what users run.
 *
 * <p>Lines: {@code java.options=...} (replaced as a whole by {@code RETRIEVALS_JAVA_OPTS} in the
 * launcher), {@code java.flags=...} (always given), {@code env.NAME=value} (set unless the caller's
 * environment has {@code NAME}); {@code #} starts a comment.
 */
public final class LauncherSettings {
    /** The file, as a class path resource. */
    public static final String RESOURCE = "/dev/retrievals/core/process/launcher.properties";

    private final List<String> javaOptions;
    private final List<String> javaFlags;
    private final Map<String, String> environment;

    private LauncherSettings(List<String> javaOptions, List<String> javaFlags, Map<String, String> environment) {
        this.javaOptions = List.copyOf(javaOptions);
        this.javaFlags = List.copyOf(javaFlags);
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
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
     * @throws RetrievalsException naming {@code source} and the line for a line that is not one of the three kinds
     */
    static LauncherSettings parse(String text, String source) {
        List<String> options = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals);
            String value = equals < 0 ? "" : line.substring(equals + 1);
            if (equals > 0 && key.equals("java.options")) {
                options.addAll(words(value));
            } else if (equals > 0 && key.equals("java.flags")) {
                flags.addAll(words(value));
            } else if (equals > 0 && key.startsWith("env.") && key.length() > "env.".length()) {
                environment.put(key.substring("env.".length()), value);
            } else {
                throw new RetrievalsException(source + " line " + number + ": '" + line + "' is not java.options=..., java.flags=..."
                        + " or env.NAME=value");
            }
        }
        return new LauncherSettings(options, flags, environment);
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

    /** The environment variables the launcher sets (unless already set), in file order. */
    public Map<String, String> environment() {
        return environment;
    }
}
