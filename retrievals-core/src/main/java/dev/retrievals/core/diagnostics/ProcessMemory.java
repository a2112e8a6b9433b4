package dev.retrievals.core.diagnostics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory figures of this process for soak tests and benchmarks: resident and peak resident memory
 * from {@code /proc/self/status} (Linux), and the number of NDArrays alive in an engine, the exact
 * test for a leaked tensor.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident memory now ({@code VmRSS}), in KiB; -1 where {@code /proc/self/status} is not available. */
    public static long residentKilobytes() {
        return statusKilobytes("VmRSS:");
    }

    /** Peak resident memory since the process started ({@code VmHWM}), in KiB; -1 where not available. */
    public static long peakResidentKilobytes() {
        return statusKilobytes("VmHWM:");
    }

    /**
     * Anonymous resident memory now ({@code RssAnon}: the Java heap, native allocations, thread
     * stacks), in KiB; -1 where not available.
     */
    public static long anonymousResidentKilobytes() {
        return statusKilobytes("RssAnon:");
    }

    /**
     * Resident pages of mapped files now ({@code RssFile}: memory-mapped data and code, which the
     * kernel may drop), in KiB; -1 where not available.
     */
    public static long fileResidentKilobytes() {
        return statusKilobytes("RssFile:");
    }

    /** The NDArrays alive under all managers of {@code engine}. */
    public static long liveNDArrays(Engine engine) {
        try (NDManager probe = engine.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static long statusKilobytes(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
