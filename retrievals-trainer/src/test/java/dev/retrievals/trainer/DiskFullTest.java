package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk in the middle of a run, simulated with the shell's file-size limit ({@code ulimit -f}):
 * the checkpoint being written fails with a message that names it and the cause, nothing half-written
 * is left, the last complete checkpoint is untouched and still picked for resume, and a resumed run
 * ends with the weights of an uninterrupted one.
 */
class DiskFullTest {
    private static final int STEPS = 8;
    private static final int WRITTEN_BEFORE_THE_DISK_FILLS = 3;

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void aCheckpointThatDoesNotFitLeavesTheLastOneIntactAndTheRunResumes() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 4);
        Path output = dir.resolve("run");
        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, dir.resolve("reference"), STEPS, -1, dir))).isZero();
        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, output, STEPS, WRITTEN_BEFORE_THE_DISK_FILLS, dir))).isZero();
        Path lastGood = Checkpoints.folder(output, WRITTEN_BEFORE_THE_DISK_FILLS);
        assertThat(Checkpoints.latest(output)).hasValue(lastGood);
        byte[] lastGoodWeights = Files.readAllBytes(lastGood.resolve(Checkpoints.MODEL_FOLDER).resolve("model.safetensors"));
        byte[] stoppedModelWeights = Files.readAllBytes(output.resolve("model/model.safetensors"));

        long limitKb = Files.size(model.resolve("model.safetensors")) / 2048;
        Path log = dir.resolve("disk-full.txt");
        int code = ResumableTraining.exitCode(ResumableTraining.launchWithFileSizeLimit(model, output, STEPS, -1, log, limitKb));
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(code).as(printed).isNotZero();
        printed.lines().filter(line -> line.contains("File too large")).findFirst()
                .ifPresent(line -> System.out.println("disk full: " + line));
        assertThat(printed).contains("File too large").contains("checkpoint-" + (WRITTEN_BEFORE_THE_DISK_FILLS + 1));
        assertThat(Checkpoints.latest(output)).hasValue(lastGood);
        assertThat(Files.readAllBytes(lastGood.resolve(Checkpoints.MODEL_FOLDER).resolve("model.safetensors"))).isEqualTo(lastGoodWeights);
        assertThat(Files.readAllBytes(output.resolve("model/model.safetensors"))).as("the model saved when the first run stopped")
                .isEqualTo(stoppedModelWeights);
        try (Stream<Path> files = Files.walk(output)) {
            assertThat(files.map(path -> output.relativize(path).toString()))
                    .noneMatch(name -> name.contains(".partial"))
                    .noneMatch(name -> name.startsWith("checkpoint-" + (WRITTEN_BEFORE_THE_DISK_FILLS + 1)));
        }

        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, output, STEPS, -1, dir))).isZero();
        assertThat(ResumableTraining.maxWeightDifference(dir.resolve("reference"), output))
                .as("resumed after the disk filled vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }
}
