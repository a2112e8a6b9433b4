package dev.retrievals.bench;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.ChildProcessTimeoutException;
import dev.retrievals.core.process.JavaCommand;
import dev.retrievals.core.process.LauncherSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one benchmark in a fresh JVM (same classpath and Java), so that memory, startup and engine
 * settings (threads are fixed when the engine loads) are measured per configuration.
 */
final class ChildJvm {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** How long one benchmark may run before its JVM is destroyed (the longest, 1M-vector builds, take minutes). */
    private static final Duration DEADLINE = Duration.ofHours(2);

    /** The exit code reported for a benchmark destroyed at its deadline (as {@code timeout(1)} reports). */
    static final int TIMED_OUT = 124;

    private ChildJvm() {}

    /**
     * Runs {@code mainClass} with {@code args}, the given JVM flags and environment, printing its
     * output; returns the exit code ({@value #TIMED_OUT} if it passed its deadline and was destroyed).
     * The variables the launcher may set ({@link LauncherSettings#variables()}) are taken out of the
     * inherited environment first, so an empty {@code environment} means glibc's defaults.
     */
    static int run(Class<?> mainClass, List<String> jvmFlags, Map<String, String> environment, List<String> args) {
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        List<String> command = JavaCommand.of(mainClass, flags, args);
        LOG.info("Running {} {} {}", mainClass.getSimpleName(), environment.isEmpty() ? "" : environment, args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().keySet().removeAll(LauncherSettings.load().variables());
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().putAll(environment);
        try (ChildProcess child = ChildProcess.start(builder, DEADLINE)) {
            return child.waitFor();
        } catch (ChildProcessTimeoutException e) {
            LOG.error("{}", e.getMessage());
            return TIMED_OUT;
        }
    }
}
