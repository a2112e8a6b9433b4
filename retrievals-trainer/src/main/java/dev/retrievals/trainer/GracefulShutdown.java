package dev.retrievals.trainer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Ctrl-C or {@code SIGTERM} during training into a clean stop. Without it the JVM exits while
 * a step runs in libtorch, tearing down the native library under the running step (a crash with an
 * {@code hs_err} file). Installed, it holds the shutdown (up to a bound) while the trainer finishes
 * the current step, writes a checkpoint and saves the model, so the run can be resumed with
 * {@code resume_from_checkpoint=latest}.
 *
 * <pre>{@code
 * try (GracefulShutdown shutdown = GracefulShutdown.install(Duration.ofMinutes(2));
 *         RetrievalTrainer trainer = RetrievalTrainer.builder()...listener(shutdown).build()) {
 *     trainer.train();
 *     if (shutdown.requested()) { ... skip whatever else was planned ... }
 * }
 * }</pre>
 *
 * <p>Close it when the work it guards is done: the shutdown waits for that. A {@code SIGKILL}
 * cannot be caught; checkpoints are atomic for that case.
 */
public final class GracefulShutdown implements TrainerListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private volatile boolean shuttingDown;

    private GracefulShutdown(Duration maxWait) {
        this.hook = new Thread(() -> {
            shuttingDown = true;
            markRequested();
            LOG.warn("Shutdown requested: stopping after the current step and saving a checkpoint (waiting up to {} s)",
                    maxWait.toSeconds());
            try {
                if (!done.await(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.error("Training did not stop within {} s; exiting anyway (the last complete checkpoint is kept)",
                            maxWait.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "retrievals-graceful-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers the shutdown hook; the shutdown waits at most {@code maxWait} for the guarded work to end. */
    public static GracefulShutdown install(Duration maxWait) {
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
        }
        return new GracefulShutdown(maxWait);
    }

    /** Whether the JVM has been asked to shut down since this was installed. */
    public boolean requested() {
        return requested;
    }

    /** What the shutdown hook does first; package-private so tests can act as a signal. */
    void markRequested() {
        requested = true;
    }

    /** A shutdown asked for before training began (while the model loaded) stops before the first step. */
    @Override
    public void onTrainBegin(TrainerState state, TrainerControl control) {
        onStepEnd(state, control);
    }

    @Override
    public void onStepEnd(TrainerState state, TrainerControl control) {
        if (requested) {
            control.requestStop("the process was asked to stop (Ctrl-C or SIGTERM) at step " + state.globalStep());
        }
    }

    /** Ends the guard: a shutdown in progress may go on; otherwise the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        if (!shuttingDown) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the shutdown began just now; the hook sees the latch released and returns at once
            }
        }
    }
}
