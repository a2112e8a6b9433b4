package dev.retrievals.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import dev.retrievals.core.diagnostics.ProcessMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark ran on: CPU, cores, memory, load, JVM and the engine's thread settings. */
public final class Machine {
    private Machine() {}

    /** A description of this machine and process. */
    public static JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        json.addProperty("cores", Runtime.getRuntime().availableProcessors());
        json.addProperty("memory_total", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        json.addProperty("load_average", read(Path.of("/proc/loadavg")));
        json.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        json.addProperty("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        json.addProperty("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        return json;
    }

    /** The PyTorch engine's intra-op and inter-op thread counts (the engine must be loaded). */
    public static JsonObject engineThreads() {
        JsonObject json = new JsonObject();
        json.addProperty("intra_op", JniUtils.getNumThreads());
        json.addProperty("inter_op", JniUtils.getNumInteropThreads());
        return json;
    }

    /** This process's peak resident memory ({@code VmHWM} of {@code /proc/self/status}), in MiB. */
    public static double peakResidentMegabytes() {
        return ProcessMemory.peakResidentKilobytes() / 1024.0;
    }

    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
