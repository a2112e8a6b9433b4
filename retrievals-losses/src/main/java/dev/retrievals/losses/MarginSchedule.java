package dev.retrievals.losses;

import dev.retrievals.core.loss.LossConfigurationException;

/**
 * The angular margin of {@link ArcFaceAdaptiveMarginLoss} as a function of the optimizer step: a
 * constant, or a linear ramp from a start margin to an end margin over a number of steps (and the
 * end margin after them). Immutable.
 *
 * <p>Margins are angles in radians in {@code [0, π/2]}.
 */
public final class MarginSchedule {
    /** The largest margin allowed, π/2. */
    public static final double MAX_MARGIN = Math.PI / 2;

    private final double start;
    private final double end;
    private final long steps;

    private MarginSchedule(double start, double end, long steps) {
        if (steps == 0) {
            check(end, "The ArcFace margin");
        } else {
            check(start, "The start margin of an ArcFace margin schedule");
            check(end, "The end margin of an ArcFace margin schedule");
        }
        if (steps < 0) {
            throw new LossConfigurationException("A margin schedule's number of steps must be >= 0, got " + steps);
        }
        this.start = start;
        this.end = end;
        this.steps = steps;
    }

    /** The same margin at every step. */
    public static MarginSchedule constant(double margin) {
        return new MarginSchedule(margin, margin, 0);
    }

    /**
     * A margin that moves linearly from {@code start} at step 0 to {@code end} at step {@code steps}
     * and stays at {@code end} afterwards.
     *
     * @param steps {@code >= 1}
     */
    public static MarginSchedule linear(double start, double end, long steps) {
        if (steps < 1) {
            throw new LossConfigurationException("A linear margin schedule needs steps >= 1, got " + steps
                    + " (use MarginSchedule.constant for a fixed margin)");
        }
        return new MarginSchedule(start, end, steps);
    }

    private static void check(double margin, String what) {
        if (!(margin >= 0 && margin <= MAX_MARGIN)) {
            throw new LossConfigurationException(what + " is " + margin
                    + "; allowed: an angle in radians in [0, " + MAX_MARGIN + "] (0.5 is usual)");
        }
    }

    /** The margin after {@code step} optimizer steps. */
    public double marginAt(long step) {
        if (steps == 0 || step >= steps) {
            return end;
        }
        if (step <= 0) {
            return start;
        }
        return start + (end - start) * ((double) step / steps);
    }

    /** The margin at step 0. */
    public double start() {
        return start;
    }

    /** The margin from step {@link #steps()} on. */
    public double end() {
        return end;
    }

    /** The length of the ramp; 0 for a constant. */
    public long steps() {
        return steps;
    }

    /** Whether the margin never changes. */
    public boolean isConstant() {
        return steps == 0 || start == end;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MarginSchedule schedule && schedule.start == start && schedule.end == end && schedule.steps == steps;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(start) * 31 * 31 + Double.hashCode(end) * 31 + Long.hashCode(steps);
    }

    @Override
    public String toString() {
        return steps == 0 ? "constant(" + end + ")" : "linear(" + start + " -> " + end + " over " + steps + " steps)";
    }
}
