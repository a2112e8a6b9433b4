package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.LauncherSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution's launcher ({@code src/dist/bin/retrievals}) starts Java with the options, flags
 * and environment of {@code conf/launcher.properties}, the same file {@link LauncherSettings} gives
 * the benchmarks, each subcommand with the variables of its profile: checked by running the script
 * against a stand-in {@code java} that prints its arguments and environment.
 */
class LauncherScriptTest {
    private static final Duration DEADLINE = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    /** A distribution folder with the real launcher and settings, and a JAVA_HOME whose java prints what it got. */
    private Path distribution(String extraSettingsLine) throws IOException {
        Path home = dir.resolve("retrievals");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("lib"));
        Files.copy(Path.of("src/dist/bin/retrievals"), home.resolve("bin/retrievals"), StandardCopyOption.REPLACE_EXISTING);
        try (InputStream settings = LauncherSettings.class.getResourceAsStream(LauncherSettings.RESOURCE)) {
            Files.writeString(home.resolve("conf/launcher.properties"),
                    new String(settings.readAllBytes(), StandardCharsets.UTF_8) + extraSettingsLine);
        }
        Path java = dir.resolve("jdk/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf 'arg %s\\n' \"$a\"; done\nenv | sed 's/^/env /'\n");
        for (Path script : List.of(java, home.resolve("bin/retrievals"))) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    private record Launch(int exitCode, List<String> arguments, Map<String, String> environment, String err) {}

    private Launch launch(Path home, Map<String, String> environment, String... words) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/retrievals").toString()));
        command.addAll(List.of(words));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().keySet().removeAll(LauncherSettings.load().variables());
        builder.environment().remove("RETRIEVALS_JAVA_OPTS");
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        builder.environment().putAll(environment);
        int code;
        try (ChildProcess child = ChildProcess.start(builder, DEADLINE)) {
            code = child.waitFor();
        }
        List<String> arguments = new ArrayList<>();
        Map<String, String> seen = new java.util.HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("out.txt"))) {
            if (line.startsWith("arg ")) {
                arguments.add(line.substring(4));
            } else if (line.startsWith("env ") && line.indexOf('=') > 4) {
                seen.put(line.substring(4, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return new Launch(code, arguments, seen, Files.readString(dir.resolve("err.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"encode", "train", "info"})
    void javaRunsWithTheOptionsFlagsAndTheSubcommandsEnvironment(String subcommand) throws Exception {
        Path home = distribution("");
        LauncherSettings settings = LauncherSettings.load();
        Launch launch = launch(home, Map.of(), "--verbose", subcommand, "two words");
        assertThat(launch.exitCode()).as(launch.err()).isZero();
        List<String> expected = new ArrayList<>(settings.jvmArguments());
        expected.addAll(List.of("-cp", home.toRealPath() + "/lib/*", "dev.retrievals.cli.Main", "--verbose", subcommand, "two words"));
        assertThat(launch.arguments()).containsExactlyElementsOf(expected);
        Map<String, String> set = new HashMap<>(launch.environment());
        set.keySet().retainAll(settings.variables());
        assertThat(set).as("the variables set for %s", subcommand).isEqualTo(settings.environment(subcommand));
    }

    @Test
    void theCallersEnvironmentAndJavaOptionsWin() throws Exception {
        Path home = distribution("");
        LauncherSettings settings = LauncherSettings.load();
        Map<String, String> encode = settings.environment("encode");
        String kept = encode.keySet().iterator().next();
        Launch launch = launch(home, Map.of(kept, "7", "RETRIEVALS_JAVA_OPTS", "-Xmx1g -Dmine=1"), "encode");
        assertThat(launch.exitCode()).as(launch.err()).isZero();
        List<String> expected = new ArrayList<>(List.of("-Xmx1g", "-Dmine=1"));
        expected.addAll(settings.javaFlags());
        assertThat(launch.arguments()).startsWith(expected.toArray(String[]::new)).doesNotContainAnyElementsOf(settings.javaOptions());
        assertThat(launch.environment()).containsEntry(kept, "7");
        encode.forEach((name, value) -> {
            if (!name.equals(kept)) {
                assertThat(launch.environment()).containsEntry(name, value);
            }
        });
    }

    @Test
    void aBrokenSettingsLineStopsTheLauncherNamingTheLine() throws Exception {
        Path home = distribution("MALLOC_ARENA_MAX=1\n");
        int line = Files.readAllLines(home.resolve("conf/launcher.properties")).size();
        Launch launch = launch(home, Map.of(), "info");
        assertThat(launch.exitCode()).isEqualTo(1);
        assertThat(launch.arguments()).as("java was not started").isEmpty();
        assertThat(launch.err().strip()).isEqualTo("retrievals: " + home.toRealPath() + "/conf/launcher.properties line " + line
                + ": 'MALLOC_ARENA_MAX=1' is not java.options=..., java.flags=..., env.NAME=value, profile.P.commands=...,"
                + " profile.P.env.NAME=value or profile.P.preload=FILE ...");
    }

    @Test
    void aProfilesPreloadIsTheFirstLibraryThatExistsAndAnEmptyLdPreloadTurnsItOff() throws Exception {
        Path library = Files.createFile(dir.resolve("liballocator.so"));
        Path home = distribution("profile.probe.commands=probe\nprofile.probe.preload=" + dir.resolve("missing.so") + " " + library
                + " " + dir.resolve("err.txt") + "\n");
        Launch launch = launch(home, Map.of(), "probe");
        assertThat(launch.exitCode()).as(launch.err()).isZero();
        assertThat(launch.environment()).containsEntry("LD_PRELOAD", library.toString());
        Launch off = launch(home, Map.of("LD_PRELOAD", ""), "probe");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(off.environment().getOrDefault("LD_PRELOAD", "")).isEmpty();
        Launch other = launch(home, Map.of(), "info");
        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(other.environment()).as("a subcommand of no profile with a preload").doesNotContainKey("LD_PRELOAD");
    }
}
