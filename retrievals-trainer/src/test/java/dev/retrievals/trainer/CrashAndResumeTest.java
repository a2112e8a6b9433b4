package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training killed with SIGKILL at random moments (also while a checkpoint is being written) and
 * resumed from the last complete checkpoint ends with the weights of an uninterrupted run.
 */
class CrashAndResumeTest {
    private static final int STEPS = 60;

    @TempDir
    Path dir;

    private Process start(Path model, Path output) throws Exception {
        return ResumableTraining.launch(model, output, STEPS, -1, dir);
    }

    private static boolean partialCheckpointExists(Path output, long step) throws java.io.IOException {
        if (!Files.isDirectory(output)) {
            return false;
        }
        try (var entries = Files.list(output)) {
            return entries.anyMatch(path -> path.getFileName().toString().startsWith(".checkpoint-" + step + ".partial-"));
        }
    }

    @Test
    void killedRunsResumeToTheUninterruptedWeights() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3);
        Path reference = dir.resolve("reference");
        Process uninterrupted = start(model, reference);
        assertThat(uninterrupted.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(uninterrupted.exitValue()).isZero();

        Path crashed = dir.resolve("crashed");
        Random random = new Random(11);
        int kills = 0;
        int midCheckpointKills = 0;
        for (int attempt = 0; attempt < 60; attempt++) {
            long done = Checkpoints.latest(crashed).map(Checkpoints::step).orElse(0L);
            long target = done + 1 + random.nextInt(6);
            boolean midCheckpoint = random.nextBoolean();
            Process process = start(model, crashed);
            // kill once the run reaches a random step: either while that step's checkpoint is being written
            // (its hidden .partial folder exists) or just after it completed
            boolean killed = false;
            while (process.isAlive()) {
                boolean reached = midCheckpoint ? partialCheckpointExists(crashed, target)
                        : Checkpoints.latest(crashed).map(Checkpoints::step).orElse(0L) >= target;
                if (reached) {
                    process.destroyForcibly(); // SIGKILL
                    process.waitFor();
                    killed = true;
                    break;
                }
                Thread.sleep(2);
            }
            if (!killed) {
                assertThat(process.exitValue()).isZero();
                break;
            }
            kills++;
            midCheckpointKills += midCheckpoint ? 1 : 0;
            assertThat(Checkpoints.list(crashed)).allSatisfy(cp -> assertThat(cp.resolve(Checkpoints.STATE_FILE)).isRegularFile());
        }
        System.out.printf("crash and resume: %d kills (%d while a checkpoint was being written)%n", kills, midCheckpointKills);
        for (Path log : Files.list(dir).filter(p -> p.getFileName().toString().startsWith("log-")).sorted().toList()) {
            Files.readString(log).lines().filter(l -> l.contains("Resumed") || l.contains("Exception") || l.contains("ERROR"))
                    .forEach(l -> System.out.println(log.getFileName() + ": " + l));
        }
        assertThat(kills).as("the run was interrupted at least once").isPositive();
        assertThat(crashed.resolve("model/model.safetensors")).isRegularFile();
        assertThat(Checkpoints.latest(crashed)).as("the resumed runs reached the last step")
                .hasValue(Checkpoints.folder(crashed, STEPS));

        double max = ResumableTraining.maxWeightDifference(reference, crashed);
        System.out.printf("crash and resume: max weight difference %.3g%n", max);
        assertThat(max).isLessThanOrEqualTo(1e-6);
        assertThat(Files.list(crashed).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).count())
                .isLessThanOrEqualTo(3);
    }
}
