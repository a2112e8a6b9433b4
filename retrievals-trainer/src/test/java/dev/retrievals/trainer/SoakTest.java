package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many training steps of a tiny model: the number of live NDArrays stays flat and resident memory
 * growth is reported. CI runs 200 steps; the full soak is
 * {@code mvn -B verify -pl retrievals-trainer -am -Dtest=SoakTest -Dsoak.steps=2000 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SoakTest {
    @TempDir
    Path dir;

    private static long liveArrays() {
        try (NDManager probe = Engine.getEngine("PyTorch").newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void liveArraysStayFlatOverManySteps() throws Exception {
        int steps = Integer.getInteger("soak.steps", 200);
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 9);
        List<long[]> samples = new ArrayList<>();
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            TrainingArguments args = TrainingArguments.builder(dir.resolve("out")).batchSize(8).maxSteps(steps).learningRate(1e-4)
                    .saveStrategy("no").loggingSteps(50).disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(args)
                    .trainDataset(TrainingData.englishPairs(160)).collator(new PairCollator(encoder.tokenizer(), 32, 32))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build())
                    .listener(new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            if (state.globalStep() % (steps / 10) == 0) {
                                try {
                                    samples.add(new long[] {state.globalStep(), liveArrays(), residentKilobytes()});
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                    }).build()) {
                trainer.train();
            }
        }
        long[] first = samples.get(0);
        long[] last = samples.get(samples.size() - 1);
        System.out.printf("soak: %d steps, live NDArrays %d -> %d, resident memory %d MB -> %d MB (%+d MB from step %d to %d)%n",
                steps, first[1], last[1], first[2] / 1024, last[2] / 1024, (last[2] - first[2]) / 1024, first[0], last[0]);
        for (long[] sample : samples) {
            assertThat(sample[1]).as("live NDArrays at step %d", sample[0]).isEqualTo(first[1]);
        }
    }
}
