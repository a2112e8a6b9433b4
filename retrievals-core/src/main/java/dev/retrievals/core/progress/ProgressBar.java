package dev.retrievals.core.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar: {@code label [=====>    ] 40/100 12.5 it/s ETA 0:05}, redrawn
 * in place at most a few times per second. A disabled bar prints nothing. Not thread-safe: one
 * owner advances it.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastDrawNanos;
    private String suffix = "";

    /**
     * @param label what is being counted, for example {@code encode}
     * @param total the count at completion (0 or less when unknown)
     * @param enabled whether anything is printed
     */
    public ProgressBar(String label, long total, boolean enabled) {
        this(label, total, enabled, System.err);
    }

    /** A bar that prints to {@code out}. */
    public ProgressBar(String label, long total, boolean enabled, PrintStream out) {
        this.label = label;
        this.total = total;
        this.enabled = enabled;
        this.out = out;
    }

    /** Advances by {@code steps} and redraws if enough time has passed. */
    public void advance(long steps) {
        done += steps;
        long now = System.nanoTime();
        if (enabled && (now - lastDrawNanos >= REDRAW_NANOS || done == total)) {
            lastDrawNanos = now;
            draw(now);
        }
    }

    /** Text shown after the counts, for example {@code loss 0.412 lr 2.0e-05}. */
    public void setSuffix(String suffix) {
        this.suffix = suffix == null ? "" : suffix;
    }

    /** The count so far. */
    public long done() {
        return done;
    }

    private void draw(long now) {
        double seconds = Math.max((now - startNanos) / 1e9, 1e-9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            line.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ")
                    .append(done).append('/').append(total);
            long remaining = rate > 0 ? (long) ((total - done) / rate) : 0;
            line.append(String.format(Locale.ROOT, " %.1f it/s ETA %d:%02d", rate, remaining / 60, remaining % 60));
        } else {
            line.append(done).append(String.format(Locale.ROOT, " %.1f it/s", rate));
        }
        if (!suffix.isEmpty()) {
            line.append(' ').append(suffix);
        }
        out.print(line);
        out.flush();
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        if (enabled) {
            draw(System.nanoTime());
            out.println();
        }
    }
}
