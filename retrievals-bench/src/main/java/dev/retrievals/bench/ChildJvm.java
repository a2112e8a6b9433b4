package dev.retrievals.bench;

import java.io.IOException;
import java.nio.file.Path;
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

    private ChildJvm() {}

    /**
     * Runs {@code mainClass} with {@code args}, the given JVM flags and extra environment, printing
     * its output; returns the exit code.
     */
    static int run(Class<?> mainClass, List<String> jvmFlags, Map<String, String> environment, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-Dai.djl.offline=true");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dretrievals.data.dir=" + System.getProperty("retrievals.data.dir", "../shared/data"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        LOG.info("Running {} {} {}", mainClass.getSimpleName(), environment.isEmpty() ? "" : environment, args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            return process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + mainClass.getSimpleName(), e);
        }
    }
}
