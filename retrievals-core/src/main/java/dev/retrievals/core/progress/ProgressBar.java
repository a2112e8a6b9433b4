package dev.retrievals.core.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of something a person waits on. On a terminal it is a one-line bar,
 * {@code label [=====>    ] 40/100 12.5 it/s ETA 0:05}, redrawn in place at most a few times per
 * second. When the output is a file, a pipe or CI (no console), it prints plain lines instead,
 * {@code label 40/100 (40%) 12.5 it/s ETA 0:05}, one each time the count passes a multiple of
 * {@code lineEvery} and one at the end, so a log file never fills with {@code \r} redraws. A
 * disabled bar prints nothing. Not thread-safe: one owner advances it.
 */
public final class ProgressBar implements AutoCloseable {
    /** System property that forces a style: {@code terminal} (redraws) or {@code lines}; otherwise the console decides. */
    public static final String STYLE_PROPERTY = "retrievals.progress";
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int DEFAULT_LINES = 10;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean enabled;
    private final long lineEvery;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastDrawNanos;
    private long lastLineAt = -1;
    private String suffix = "";

    /**
     * A bar on standard error, in the style that suits it (see {@link #onTerminal()}).
     *
     * @param label what is being counted, for example {@code encode}
     * @param total the count at completion (0 or less when unknown)
     * @param enabled whether anything is printed
     */
    public ProgressBar(String label, long total, boolean enabled) {
        this(label, total, enabled, System.err);
    }

    /** A bar that prints to {@code out}: redrawn in place on a terminal, otherwise about ten plain lines over the run. */
    public ProgressBar(String label, long total, boolean enabled, PrintStream out) {
        this(label, total, enabled, out, onTerminal() ? 0 : defaultLineEvery(total));
    }

    /**
     * A bar that prints to {@code out} in a chosen style.
     *
     * @param lineEvery 0 to redraw in place (a terminal); otherwise print a plain line each time the
     *     count passes a multiple of this, and one at the end
     */
    public ProgressBar(String label, long total, boolean enabled, PrintStream out, long lineEvery) {
        if (lineEvery < 0) {
            throw new IllegalArgumentException("lineEvery must be 0 (redraw in place) or positive, was " + lineEvery);
        }
        this.label = label;
        this.total = total;
        this.enabled = enabled;
        this.out = out;
        this.lineEvery = lineEvery;
    }

    /**
     * Whether progress is drawn for a person at a terminal: the system property
     * {@value #STYLE_PROPERTY} ({@code terminal} or {@code lines}) if set, else whether the JVM has
     * a console (standard input and output are a terminal).
     */
    public static boolean onTerminal() {
        String style = System.getProperty(STYLE_PROPERTY, "");
        if (style.equalsIgnoreCase("terminal")) {
            return true;
        }
        if (style.equalsIgnoreCase("lines")) {
            return false;
        }
        return System.console() != null;
    }

    /** About ten lines over a known total; only the final line when the total is unknown. */
    private static long defaultLineEvery(long total) {
        return total > 0 ? Math.max(1, (total + DEFAULT_LINES - 1) / DEFAULT_LINES) : Long.MAX_VALUE;
    }

    /** Advances by {@code steps} and redraws (or prints a line) when due. */
    public void advance(long steps) {
        long before = done;
        done += steps;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (lineEvery == 0) {
            if (now - lastDrawNanos >= REDRAW_NANOS || done == total) {
                lastDrawNanos = now;
                out.print("\r" + render(now, true));
                out.flush();
            }
        } else if (done / lineEvery > before / lineEvery) {
            printLine(now);
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

    private void printLine(long now) {
        lastLineAt = done;
        out.println(render(now, false));
        out.flush();
    }

    private String render(long now, boolean bar) {
        double seconds = Math.max((now - startNanos) / 1e9, 1e-9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            if (bar) {
                int filled = (int) Math.min(WIDTH, WIDTH * done / total);
                line.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                        .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ");
            }
            line.append(done).append('/').append(total);
            if (!bar) {
                line.append(" (").append(100 * done / total).append("%)");
            }
            long remaining = rate > 0 ? (long) ((total - done) / rate) : 0;
            line.append(String.format(Locale.ROOT, " %.1f it/s ETA %d:%02d", rate, remaining / 60, remaining % 60));
        } else {
            line.append(done).append(String.format(Locale.ROOT, " %.1f it/s", rate));
        }
        if (!suffix.isEmpty()) {
            line.append(' ').append(suffix);
        }
        return line.toString();
    }

    /** Draws the final state and ends the line (in line style, prints the last line unless it was just printed). */
    @Override
    public void close() {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (lineEvery == 0) {
            out.println("\r" + render(now, true));
            out.flush();
        } else if (lastLineAt != done) {
            printLine(now);
        }
    }
}
