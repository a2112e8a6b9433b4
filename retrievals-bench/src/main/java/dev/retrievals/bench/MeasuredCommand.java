package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.ChildProcessTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a command (such as the distribution's {@code bin/retrievals}, which replaces itself with its
 * JVM) as a child process and measures it from outside, as {@code /usr/bin/time} would: wall time
 * from start to exit, and, sampled from {@code /proc/<pid>} every {@value #SAMPLE_MILLIS} ms, its
 * peak resident memory ({@code VmHWM}, which only grows), CPU time and minor page faults (the last
 * sample before the exit, so up to one interval is missed).
 *
 * @param wallSeconds start to exit
 * @param peakRssMb {@code VmHWM} of the last sample, MiB
 * @param userSeconds user CPU time
 * @param systemSeconds system CPU time (page faults, zero-filling fresh memory)
 * @param minorFaults minor page faults
 */
record MeasuredCommand(double wallSeconds, double peakRssMb, double userSeconds, double systemSeconds, long minorFaults) {
    private static final int SAMPLE_MILLIS = 50;
    /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    /**
     * Runs {@code command} with {@code environment} added, its output to {@code log}; fails with the
     * log's end when it exits non-zero or passes {@code deadline}.
     */
    static MeasuredCommand run(List<String> command, Map<String, String> environment, Path log, Duration deadline) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        double[] last = {0, 0, 0, 0};
        int exit;
        try (ChildProcess child = ChildProcess.start(builder, deadline)) {
            Path proc = Path.of("/proc", String.valueOf(child.process().pid()));
            while (child.isAlive()) {
                sample(proc, last);
                Thread.sleep(SAMPLE_MILLIS);
            }
            exit = child.waitFor();
        } catch (ChildProcessTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + "; log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + "; its output: " + tail(log));
        }
        return new MeasuredCommand(wall, last[0] / 1024, last[1] / TICKS, last[2] / TICKS, (long) last[3]);
    }

    /** Reads peak resident KiB, user and system ticks and minor faults into {@code last}, keeping old values if the process is gone. */
    private static void sample(Path proc, double[] last) {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmHWM:")) {
                    last[0] = Double.parseDouble(line.substring("VmHWM:".length()).replace("kB", "").trim());
                }
            }
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state(3) ppid pgrp session tty tpgid flags minflt(10) cminflt majflt cmajflt utime(14) stime(15)
            last[3] = Double.parseDouble(fields[10 - 3]);
            last[1] = Double.parseDouble(fields[14 - 3]);
            last[2] = Double.parseDouble(fields[15 - 3]);
        } catch (IOException | RuntimeException e) {
            // the process ended between two samples: the previous sample stands
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable)";
        }
    }

    /** The figures as JSON. */
    JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("wall_s", wallSeconds);
        json.addProperty("peak_rss_mb", peakRssMb);
        json.addProperty("user_s", userSeconds);
        json.addProperty("sys_s", systemSeconds);
        json.addProperty("minor_faults", minorFaults);
        return json;
    }
}
