package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint folders: only complete ones count, a failed write leaves nothing behind, pruning keeps the newest and the best. */
class CheckpointsTest {
    @TempDir
    Path dir;

    private void checkpoint(long step) {
        Checkpoints.write(dir, step, folder -> Checkpoints.writeJson(folder.resolve(Checkpoints.STATE_FILE), java.util.Map.of("global_step", step)));
    }

    @Test
    void latestIgnoresTornAndForeignFolders() throws Exception {
        checkpoint(5);
        checkpoint(20);
        Files.createDirectories(dir.resolve("checkpoint-30")); // torn: no state file
        Files.createDirectories(dir.resolve(".checkpoint-40.partial-123"));
        assertThat(Checkpoints.latest(dir)).hasValue(dir.resolve("checkpoint-20"));
        assertThat(Checkpoints.list(dir)).containsExactly(dir.resolve("checkpoint-5"), dir.resolve("checkpoint-20"));
    }

    @Test
    void aFailingWriteLeavesNoCheckpointAndKeepsTheOldOne() {
        checkpoint(10);
        assertThatThrownBy(() -> Checkpoints.write(dir, 10, folder -> {
            Files.writeString(folder.resolve("half.txt"), "half");
            throw new java.io.IOException("disk full");
        })).isInstanceOf(RetrievalsException.class).hasMessageContaining("disk full").hasMessageContaining("checkpoint-10");
        assertThat(dir.resolve("checkpoint-10").resolve(Checkpoints.STATE_FILE)).isRegularFile();
        assertThat(dir.resolve("checkpoint-10").resolve("half.txt")).doesNotExist();
        assertThat(dir).isDirectoryNotContaining(path -> path.getFileName().toString().contains(".partial-"));
    }

    @Test
    void pruningKeepsTheNewestAndTheBest() {
        for (long step : new long[] {1, 2, 3, 4}) {
            checkpoint(step);
        }
        Checkpoints.prune(dir, 2, "checkpoint-1");
        assertThat(Checkpoints.list(dir)).containsExactly(dir.resolve("checkpoint-1"), dir.resolve("checkpoint-4"));
    }
}
