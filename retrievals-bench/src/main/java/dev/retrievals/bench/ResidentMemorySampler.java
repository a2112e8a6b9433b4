package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.diagnostics.ProcessMemory;

/**
 * Samples this process's resident memory every 100 ms on a daemon thread, keeping the peaks of
 * anonymous memory ({@code RssAnon}) and of mapped file pages ({@code RssFile}), so a benchmark can
 * tell memory it allocated from memory-mapped data the kernel may drop.
 */
final class ResidentMemorySampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakAnonymousKb;
    private volatile long peakFileKb;

    private ResidentMemorySampler() {
        thread = new Thread(this::sample, "resident-memory-sampler");
        thread.setDaemon(true);
    }

    /** Starts sampling. */
    static ResidentMemorySampler start() {
        ResidentMemorySampler sampler = new ResidentMemorySampler();
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (running) {
            takeSample();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void takeSample() {
        peakAnonymousKb = Math.max(peakAnonymousKb, ProcessMemory.anonymousResidentKilobytes());
        peakFileKb = Math.max(peakFileKb, ProcessMemory.fileResidentKilobytes());
    }

    /** Records, under {@code memory.<phase>} of {@code result}, the resident memory now and the peaks so far, in MB. */
    void mark(JsonObject result, String phase) {
        takeSample();
        if (!result.has("memory")) {
            result.add("memory", new JsonObject());
        }
        JsonObject now = new JsonObject();
        now.addProperty("rss_mb", ProcessMemory.residentKilobytes() / 1024.0);
        now.addProperty("anonymous_mb", ProcessMemory.anonymousResidentKilobytes() / 1024.0);
        now.addProperty("file_mb", ProcessMemory.fileResidentKilobytes() / 1024.0);
        now.addProperty("peak_anonymous_mb_so_far", peakAnonymousKb / 1024.0);
        result.getAsJsonObject("memory").add(phase, now);
    }

    /** Records the peaks: {@code peak_rss_mb} (the kernel's high-water mark), {@code peak_anonymous_mb}, {@code peak_file_mb}. */
    void finish(JsonObject result) {
        takeSample();
        result.addProperty("peak_rss_mb", ProcessMemory.peakResidentKilobytes() / 1024.0);
        result.addProperty("peak_anonymous_mb", peakAnonymousKb / 1024.0);
        result.addProperty("peak_file_mb", peakFileKb / 1024.0);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
