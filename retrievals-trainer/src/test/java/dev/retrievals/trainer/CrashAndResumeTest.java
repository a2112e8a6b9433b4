package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training killed with SIGKILL at random moments, and once for certain in the middle of a checkpoint
 * write (the run pauses inside the write of one checkpoint, after its model is written, and is killed
 * there), then resumed from the last complete checkpoint, ends with the weights of an uninterrupted run.
 */
@Tag("slow")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class CrashAndResumeTest {
    private static final int STEPS = 60;
    private static final int PAUSED_STEP = 4;

    @TempDir
    Path dir;

    private static boolean partialCheckpointExists(Path output, long step) throws java.io.IOException {
        if (!Files.isDirectory(output)) {
            return false;
        }
        try (var entries = Files.list(output)) {
            return entries.anyMatch(path -> path.getFileName().toString().startsWith(".checkpoint-" + step + ".partial-"));
        }
    }

    private static long latestStep(Path output) {
        return Checkpoints.latest(output).map(Checkpoints::step).orElse(0L);
    }

    /** Kills the run while it is paused inside the write of checkpoint {@value #PAUSED_STEP}; returns the torn folder it left. */
    private Path killInsideACheckpointWrite(Path model, Path crashed) throws Exception {
        Path marker = dir.resolve(ResumableTraining.PAUSED_MARKER);
        try (ChildProcess paused = ResumableTraining.launchPausingInCheckpoint(model, crashed, STEPS, PAUSED_STEP, dir)) {
            while (!Files.exists(marker) && paused.isAlive()) {
                Thread.sleep(5);
            }
            assertThat(marker).as("the run paused inside the checkpoint write of step %d", PAUSED_STEP).exists();
            Path torn = Path.of(Files.readString(marker));
            assertThat(torn.getFileName().toString()).startsWith(".checkpoint-" + PAUSED_STEP + ".partial-");
            assertThat(torn.resolve("model/model.safetensors")).as("the write was under way").isRegularFile();
            paused.process().destroyForcibly(); // SIGKILL inside the write
            paused.process().waitFor();
            return torn;
        }
    }

    /**
     * Compares the bit-exact step traces of the runs (see {@link ResumableTraining#STEP_TRACE}): the first log is the
     * reference; every later run's steps are checked against it. Names the first step whose loss or gradient norm differs,
     * and the run that computed it, so a failure says where exact resume broke.
     */
    private String stepsAgainstTheReference() throws java.io.IOException {
        List<Path> logs;
        try (var files = Files.list(dir)) {
            logs = files.filter(p -> p.getFileName().toString().startsWith("log-"))
                    .sorted(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", ""))))
                    .toList();
        }
        Map<Long, String> expected = trace(logs.get(0));
        int checked = 0;
        for (Path log : logs.subList(1, logs.size())) {
            int checkedInThisRun = 0;
            for (Map.Entry<Long, String> step : trace(log).entrySet()) {
                checked++;
                if (!step.getValue().equals(expected.get(step.getKey()))) {
                    return String.format("step %d differs from the reference in %s (%s; %d of its steps matched before it): %s,"
                            + " reference %s (%d steps checked before it)", step.getKey(), log.getFileName(), resumedFrom(log),
                            checkedInThisRun, step.getValue(), expected.get(step.getKey()), checked - 1);
                }
                checkedInThisRun++;
            }
        }
        return String.format("all %d steps the resumed runs computed have the reference's loss and gradient norm, bit for bit", checked);
    }

    /** The run's "Resumed from ..." log line, or that it started from scratch. */
    private static String resumedFrom(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().filter(line -> line.contains("Resumed from")).findFirst()
                .map(line -> line.substring(line.indexOf("Resumed from"))).orElse("started from scratch");
    }

    private static Map<Long, String> trace(Path log) throws java.io.IOException {
        Map<Long, String> steps = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            int at = line.indexOf(ResumableTraining.STEP_TRACE);
            if (at >= 0) {
                String[] parts = line.substring(at + ResumableTraining.STEP_TRACE.length()).split(" ", 2);
                steps.put(Long.parseLong(parts[0]), parts[1]);
            }
        }
        return steps;
    }

    @Test
    void killedRunsResumeToTheUninterruptedWeights() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3);
        Path reference = dir.resolve("reference");
        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, reference, STEPS, -1, dir))).isZero();

        Path crashed = dir.resolve("crashed");
        Path torn = killInsideACheckpointWrite(model, crashed);
        assertThat(latestStep(crashed)).as("the torn checkpoint does not count").isEqualTo(PAUSED_STEP - 1);
        assertThat(Checkpoints.folder(crashed, PAUSED_STEP)).doesNotExist();
        int kills = 1;
        int midCheckpointKills = 1;

        Random random = new Random(11);
        for (int attempt = 0; attempt < 60; attempt++) {
            long target = latestStep(crashed) + 1 + random.nextInt(6);
            boolean midCheckpoint = random.nextBoolean();
            // kill once the run reaches a random step: either while that step's checkpoint is being written
            // (its hidden .partial folder exists) or just after it completed
            boolean killed = false;
            boolean partialSeen = false;
            try (ChildProcess process = ResumableTraining.launch(model, crashed, STEPS, -1, dir)) {
                while (process.isAlive()) {
                    partialSeen = partialCheckpointExists(crashed, target);
                    if (midCheckpoint ? partialSeen : latestStep(crashed) >= target) {
                        process.process().destroyForcibly(); // SIGKILL
                        process.process().waitFor();
                        killed = true;
                        break;
                    }
                    Thread.sleep(2);
                }
                if (!killed) {
                    assertThat(process.waitFor()).isZero();
                    break;
                }
            }
            kills++;
            midCheckpointKills += midCheckpoint && partialSeen ? 1 : 0;
            assertThat(Checkpoints.list(crashed)).allSatisfy(cp -> assertThat(cp.resolve(Checkpoints.STATE_FILE)).isRegularFile());
        }
        System.out.printf("crash and resume: %d kills (%d while a checkpoint was being written)%n", kills, midCheckpointKills);
        for (Path log : Files.list(dir).filter(p -> p.getFileName().toString().startsWith("log-")).sorted().toList()) {
            Files.readString(log).lines().filter(l -> l.contains("Resumed") || l.contains("Exception") || l.contains("ERROR"))
                    .forEach(l -> System.out.println(log.getFileName() + ": " + l));
        }
        assertThat(kills).as("kills after the forced one").isGreaterThan(1);
        assertThat(midCheckpointKills).as("kills inside a checkpoint write").isGreaterThanOrEqualTo(1);
        assertThat(crashed.resolve("model/model.safetensors")).isRegularFile();
        assertThat(Checkpoints.latest(crashed)).as("the resumed runs reached the last step")
                .hasValue(Checkpoints.folder(crashed, STEPS));
        assertThat(torn).as("the torn write of step %d was never taken for a checkpoint", PAUSED_STEP)
                .satisfiesAnyOf(path -> assertThat(path).doesNotExist(),
                        path -> assertThat(path.resolve(Checkpoints.STATE_FILE)).doesNotExist());

        double max = ResumableTraining.maxWeightDifference(reference, crashed);
        System.out.printf("crash and resume: max weight difference %.3g%n", max);
        String steps = stepsAgainstTheReference();
        System.out.println(steps);
        assertThat(max).as("max weight difference; %s", steps).isLessThanOrEqualTo(1e-6);
        assertThat(Files.list(crashed).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).count())
                .isLessThanOrEqualTo(3);
    }
}
