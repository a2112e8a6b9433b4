package dev.retrievals.bench;

import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.losses.CoSENT;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainerControl;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainerState;
import dev.retrievals.trainer.TrainingArguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A short real training run with {@link RetrievalTrainer}: CoSENT on Chinese STS-B pairs, either
 * with dynamic padding and length-grouped batches or with every batch padded to the maximum length
 * (random batches), recording each step's duration and real tokens.
 */
final class StsTrainingRun {
    static final int MAX_LENGTH = 128;

    /** How batches are formed and padded. */
    enum Padding {
        /** Length-grouped batches, each padded to its longest text. */
        DYNAMIC_LENGTH_GROUPED,
        /** Random batches, every text padded to {@value StsTrainingRun#MAX_LENGTH} tokens. */
        FIXED_128
    }

    /**
     * What a run measured.
     *
     * @param stepSeconds wall time of each optimizer step (collation to the end of the update)
     * @param stepTokens real (unpadded) tokens of each step
     * @param firstStepEndMillis the wall-clock time (epoch milliseconds) when the first step ended
     */
    record Result(List<Double> stepSeconds, List<Double> stepTokens, long firstStepEndMillis) {
        /** Real tokens per second over the whole run. */
        double tokensPerSecond() {
            return stepTokens.stream().mapToDouble(Double::doubleValue).sum() / stepSeconds.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private StsTrainingRun() {}

    /** Trains {@code model} for {@code steps} steps of {@code batchSize} pairs. */
    static Result run(TrainableEncoder model, Dataset data, int batchSize, Padding padding, int steps, int seed) {
        return run(model, data, batchSize, padding, steps, seed, false, new TrainerListener() {});
    }

    /**
     * Trains {@code model} for {@code steps} steps of {@code batchSize} pairs, with activation
     * checkpointing ({@code gradient_checkpointing}) or without, telling {@code listener} too.
     */
    static Result run(TrainableEncoder model, Dataset data, int batchSize, Padding padding, int steps, int seed,
            boolean checkpointing, TrainerListener listener) {
        ScoredPairCollator collator = ScoredPairCollator.builder(model.tokenizer()).maxLength(MAX_LENGTH)
                .padToMultipleOf(padding == Padding.FIXED_128 ? MAX_LENGTH : 1).build();
        return train(model, data, collator, CoSENT.create(), output -> TrainingArguments.builder(output).batchSize(batchSize)
                .maxSteps(steps).learningRate(2e-5).seed(seed).gradientCheckpointing(checkpointing).saveStrategy("no").disableProgressBar(true)
                .loggingSteps(Math.max(1, steps)).batchSampler(padding == Padding.FIXED_128 ? "random" : "length_grouped").build(),
                listener);
    }

    /**
     * Trains {@code model} with any collator and loss, the arguments built for a temporary output
     * folder (deleted afterwards), recording every step; the model is left in evaluation mode.
     */
    static Result train(TrainableEncoder model, Dataset data, Collator collator, Loss loss, Function<Path, TrainingArguments> arguments,
            TrainerListener listener) {
        Path output = temporaryFolder();
        try {
            StepRecorder recorder = new StepRecorder();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(arguments.apply(output)).trainDataset(data)
                    .collator(collator).loss(loss).listener(recorder).listener(listener).build()) {
                trainer.train();
            }
            model.eval();
            return new Result(recorder.seconds, recorder.tokens, recorder.firstStepEnd);
        } finally {
            delete(output);
        }
    }

    /** Reads the Chinese STS-B training pairs. */
    static Dataset chineseStsB() {
        return Dataset.fromJsonl(BenchData.file(BenchData.STS_B_ZH_TRAIN));
    }

    /** Records step durations and real tokens (the trainer's tokens/s times the step's time). */
    private static final class StepRecorder implements TrainerListener {
        private final List<Double> seconds = new ArrayList<>();
        private final List<Double> tokens = new ArrayList<>();
        private long last;
        private long firstStepEnd;

        @Override
        public void onTrainBegin(TrainerState state, TrainerControl control) {
            last = System.nanoTime();
        }

        @Override
        public void onStepEnd(TrainerState state, TrainerControl control) {
            long now = System.nanoTime();
            if (firstStepEnd == 0) {
                firstStepEnd = System.currentTimeMillis();
            }
            double duration = (now - last) / 1e9;
            seconds.add(duration);
            tokens.add(state.tokensPerSecond() * duration);
            last = now;
        }
    }

    /** A new temporary folder. */
    static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("retrievals-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it. */
    static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
