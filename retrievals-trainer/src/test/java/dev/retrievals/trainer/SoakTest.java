package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many training steps of a tiny model, with evaluation and checkpoints on the way: the number of live NDArrays stays flat and resident memory
 * growth is reported, over the whole run and over its second half (after the Java heap has grown to
 * its working size, which is most of the early growth). CI runs 200 steps; the full soak is
 * {@code mvn -B verify -pl retrievals-trainer -am -Dtest=SoakTest -Dsoak.steps=2000 -Dsurefire.failIfNoSpecifiedTests=false}
 * and, from {@value #CHECKED_STEPS} steps on, also checks that the second half grows by less than
 * {@value #MAX_STEADY_GROWTH_KB_PER_STEP} KB a step. Add
 * {@code "-Dsurefire.jvm.args=-Dai.djl.offline=true -Xms128m -Xmx128m"} to fix the heap's size and
 * see native memory alone.
 */
class SoakTest {
    private static final int CHECKED_STEPS = 2000;
    private static final int MAX_STEADY_GROWTH_KB_PER_STEP = 20;

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
        Path sts = dir.resolve("sts.jsonl");
        List<String> stsLines = Files.readAllLines(TrainingData.dataDir().resolve("sts-b-en/dev.jsonl"), StandardCharsets.UTF_8);
        Files.write(sts, stsLines.subList(0, 40), StandardCharsets.UTF_8);
        List<long[]> samples = new ArrayList<>();
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean")) {
            TrainingArguments args = TrainingArguments.builder(dir.resolve("out")).batchSize(8).maxSteps(steps).learningRate(1e-4)
                    .evalStrategy("steps").evalSteps(steps / 10)
                    .saveStrategy("steps").saveSteps(steps / 4).saveTotalLimit(1).loggingSteps(50).disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(encoder).args(args)
                    .trainDataset(TrainingData.englishPairs(160)).collator(new PairCollator(encoder.tokenizer(), 32, 32))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build()).evaluator(StsEvaluator.builder(sts).build())
                    .listener(new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            if (state.globalStep() % (steps / 10) == 0) {
                                try {
                                    long[] sample = {state.globalStep(), liveArrays(), residentKilobytes(), Runtime.getRuntime().totalMemory() >> 10};
                                    samples.add(sample);
                                    System.out.printf("soak step %d: live NDArrays %d, resident %d MB, Java heap committed %d MB%n",
                                            sample[0], sample[1], sample[2] >> 10, sample[3] >> 10);
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
        long[] middle = samples.get(samples.size() / 2 - 1);
        long[] last = samples.get(samples.size() - 1);
        double steadyKbPerStep = (double) (last[2] - middle[2]) / (last[0] - middle[0]);
        System.out.printf("soak: %d steps, live NDArrays %d -> %d, resident memory %d MB -> %d MB (%+d MB from step %d to %d;"
                + " %+.2f KB a step from step %d to %d), Java heap committed %d MB -> %d MB%n",
                steps, first[1], last[1], first[2] >> 10, last[2] >> 10, (last[2] - first[2]) >> 10, first[0], last[0],
                steadyKbPerStep, middle[0], last[0], first[3] >> 10, last[3] >> 10);
        for (long[] sample : samples) {
            assertThat(sample[1]).as("live NDArrays at step %d", sample[0]).isEqualTo(first[1]);
        }
        if (steps >= CHECKED_STEPS) {
            assertThat(steadyKbPerStep).as("resident memory growth per step, steps %d to %d", middle[0], last[0])
                    .isLessThan(MAX_STEADY_GROWTH_KB_PER_STEP);
        }
    }
}
