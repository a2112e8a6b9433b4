package dev.retrievals.core.hub;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A read timeout for a response body, which {@link java.net.http.HttpClient} lacks: when no
 * byte has arrived for {@code timeout}, the stream is closed so the blocked read fails.
 * Its one daemon thread ends with {@link #close()}.
 */
final class StallGuard implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final long timeoutNanos;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallGuard(Closeable stream, Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "hub-download-stall-guard");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, timeout.toMillis() / 4);
        timer.scheduleAtFixedRate(() -> {
            if (!stalled && System.nanoTime() - lastProgress > timeoutNanos) {
                stalled = true;
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // the blocked reader fails either way
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Records that bytes arrived. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** True once the stream was closed for lack of progress. */
    boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
