package dev.retrievals.core.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child process with a deadline: a watchdog destroys it, and every process it started, when the
 * deadline passes, so nothing that waits on it (its exit, or its output until the end) can hang.
 * Reading the child's output until end of stream is therefore safe: the stream ends at the latest
 * when the watchdog fires. {@link #close()} destroys whatever is still running, and so does the
 * exit of this JVM (a test that fails early leaves no process behind).
 *
 * <pre>{@code
 * try (ChildProcess child = ChildProcess.start(new ProcessBuilder("java", ...), Duration.ofMinutes(5))) {
 *     ... read child.process().getInputStream() ...
 *     int exit = child.waitFor();   // throws ChildProcessTimeoutException after the deadline
 * }
 * }</pre>
 */
public final class ChildProcess implements AutoCloseable {
    /** Children still running; destroyed when this JVM exits, so none outlives a test run that ended early. */
    private static final java.util.Set<ChildProcess> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(child -> destroyTree(child.process.toHandle())),
                "child-process-reaper"));
    }

    private final Process process;
    private final List<String> command;
    private final Duration timeout;
    private final long deadlineNanos;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final Thread watchdog;

    private ChildProcess(Process process, List<String> command, Duration timeout) {
        this.process = process;
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.watchdog = new Thread(this::watch, "child-process-watchdog-" + process.pid());
        watchdog.setDaemon(true);
        RUNNING.add(this);
        process.onExit().thenRun(() -> RUNNING.remove(this));
        watchdog.start();
    }

    /**
     * Starts {@code builder}'s command; it is destroyed (with its descendants) once {@code timeout}
     * has passed.
     */
    public static ChildProcess start(ProcessBuilder builder, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        try {
            return new ChildProcess(builder.start(), builder.command(), timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", builder.command()), e);
        }
    }

    private void watch() {
        try {
            if (!process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                timedOut.set(true);
                destroyTree(process.toHandle());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Destroys a process and its descendants forcibly, children first captured while the parent still holds them. */
    private static void destroyTree(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** The underlying process (its streams, pid, {@link Process#destroy()} for a SIGTERM). */
    public Process process() {
        return process;
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the watchdog destroyed the process because its deadline passed. */
    public boolean timedOut() {
        return timedOut.get();
    }

    /** Time left before the deadline (zero once it has passed). */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /**
     * Waits for the process to end and returns its exit code.
     *
     * @throws ChildProcessTimeoutException if the deadline passed first (the process is then destroyed)
     */
    public int waitFor() {
        try {
            process.waitFor();
            watchdog.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ChildProcessTimeoutException("Interrupted while waiting for " + describe(), e);
        }
        if (timedOut.get()) {
            throw new ChildProcessTimeoutException(describe() + " did not end within " + timeout
                    + "; it was destroyed with the processes it started");
        }
        return process.exitValue();
    }

    /** A short description of the command for messages (long arguments such as class paths are elided). */
    public String describe() {
        String text = command.stream().map(arg -> arg.length() > 120 ? arg.substring(0, 40) + "…" : arg)
                .collect(java.util.stream.Collectors.joining(" "));
        return "child process " + process.pid() + " (" + text + ")";
    }

    /** Destroys the process and its descendants if they are still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            destroyTree(process.toHandle());
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
