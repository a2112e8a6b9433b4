package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C and {@code kill} send) in the middle of training: the process stops after
 * the current step instead of crashing in libtorch, leaves a complete checkpoint of that step and
 * the model, and a resumed run ends with the weights of an uninterrupted one.
 */
class GracefulShutdownTest {
    private static final int STEPS = 30;
    private static final int SIGTERM_EXIT = 128 + 15;

    @TempDir
    Path dir;

    @Test
    void aShutdownAskedForBeforeTrainingStopsBeforeTheFirstStep() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny-early"), 6);
        try (GracefulShutdown shutdown = GracefulShutdown.install(java.time.Duration.ofSeconds(30));
                dev.retrievals.pytorch.AutoModelForEmbedding encoder =
                        dev.retrievals.pytorch.AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            shutdown.markRequested();
            TrainingArguments arguments = TrainingArguments.builder(dir.resolve("early")).batchSize(8).maxSteps(5)
                    .saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(arguments)
                    .trainDataset(TrainingData.englishPairs(16))
                    .collator(new dev.retrievals.collators.PairCollator(encoder.tokenizer(), 16, 16))
                    .loss(dev.retrievals.losses.InfoNCE.builder().build()).listener(shutdown).build()) {
                assertThat(trainer.train().globalStep()).isZero();
            }
            assertThat(shutdown.requested()).isTrue();
        }
    }

    @Test
    @Tag("slow")
    void sigtermStopsAfterTheStepSavesAndResumesExactly() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 6);
        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, dir.resolve("reference"), STEPS, -1, dir))).isZero();

        Path output = dir.resolve("run");
        ChildProcess run = ResumableTraining.launch(model, output, STEPS, -1, dir);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Optional<Path> latest = Optional.empty();
        while (System.nanoTime() < deadline && run.isAlive()
                && latest.map(path -> Checkpoints.step(path) < 5).orElse(true)) {
            Thread.sleep(20);
            latest = Checkpoints.latest(output);
        }
        assertThat(run.isAlive()).as("still training at step %s", latest).isTrue();
        run.process().destroy(); // SIGTERM
        assertThat(ResumableTraining.exitCode(run)).isEqualTo(SIGTERM_EXIT);

        assertThat(ResumableTraining.crashReports(dir)).as("JVM crash reports").isEmpty();
        String log;
        try (Stream<Path> logs = Files.list(dir)) {
            Path newest = logs.filter(path -> path.getFileName().toString().startsWith("log-"))
                    .max(java.util.Comparator.comparing(path -> path.getFileName().toString())).orElseThrow();
            log = Files.readString(newest, StandardCharsets.UTF_8);
        }
        assertThat(log).contains("Shutdown requested").contains("Stopped after step");
        Path stoppedAt = Checkpoints.latest(output).orElseThrow();
        long step = Checkpoints.step(stoppedAt);
        assertThat(step).isBetween(5L, (long) STEPS - 1);
        assertThat(log).contains("asked to stop (Ctrl-C or SIGTERM) at step " + step);
        assertThat(output.resolve("model/model.safetensors")).isRegularFile();

        assertThat(ResumableTraining.exitCode(ResumableTraining.launch(model, output, STEPS, -1, dir))).isZero();
        assertThat(ResumableTraining.maxWeightDifference(dir.resolve("reference"), output))
                .as("resumed after SIGTERM vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }
}
