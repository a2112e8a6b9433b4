package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped in one JVM and resumed in a fresh one ends with the weights of an uninterrupted
 * run (each in its own JVM). A fresh JVM matters: an earlier version embedded the batch roles in
 * the iteration order of an immutable map, which differs from JVM to JVM, so dropout drew its
 * masks in another order after a restart.
 */
class ProcessResumeTest {
    private static final int STEPS = 30;

    @TempDir
    Path dir;

    private int run(Path model, Path output, int stopAt) throws Exception {
        return ResumableTraining.exitCode(ResumableTraining.launch(model, output, STEPS, stopAt, dir));
    }

    @Test
    @Tag("slow")
    void aRunResumedInANewJvmEndsWithTheUninterruptedWeights() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3);
        assertThat(run(model, dir.resolve("reference"), -1)).isZero();
        assertThat(run(model, dir.resolve("resumed"), 23)).isZero();
        assertThat(Checkpoints.latest(dir.resolve("resumed"))).hasValue(Checkpoints.folder(dir.resolve("resumed"), 23));
        assertThat(run(model, dir.resolve("resumed"), -1)).isZero();
        assertThat(Checkpoints.latest(dir.resolve("resumed"))).hasValue(Checkpoints.folder(dir.resolve("resumed"), STEPS));
        assertThat(ResumableTraining.maxWeightDifference(dir.resolve("reference"), dir.resolve("resumed")))
                .as("resumed in a new JVM vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }
}
