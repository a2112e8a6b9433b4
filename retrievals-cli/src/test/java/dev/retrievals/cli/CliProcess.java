package dev.retrievals.cli;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code retrievals} command run as a user runs it, for end-to-end tests: a JVM of its own per
 * call, started through {@link ChildProcess} with a deadline, in a working folder, with standard
 * output and error going to {@code out.txt} and {@code err.txt} there.
 */
final class CliProcess {
    private final Path folder;
    private final List<String> jvmFlags;
    private final Duration deadline;

    /** The result of one call. */
    record Result(int exitCode, String out, String err) {}

    CliProcess(Path folder, List<String> jvmFlags, Duration deadline) {
        this.folder = folder;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.deadline = deadline;
    }

    /** Starts the command; the caller waits for it or stops it. */
    ChildProcess start(String... args) {
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(Main.class, jvmFlags, List.of(args))).directory(folder.toFile())
                .redirectOutput(folder.resolve("out.txt").toFile()).redirectError(folder.resolve("err.txt").toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        return ChildProcess.start(builder, deadline);
    }

    /** Runs the command to its end. */
    Result run(String... args) throws IOException {
        try (ChildProcess child = start(args)) {
            int code = child.waitFor();
            return new Result(code, Files.readString(folder.resolve("out.txt")), Files.readString(folder.resolve("err.txt")));
        }
    }
}
