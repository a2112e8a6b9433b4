package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.data.BatchSampler;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.ndarray.Scalars;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient accumulation against plain arithmetic: with {@code gradient_accumulation_steps} 2, the
 * first optimizer step sees the mean of the two micro-batches' gradients (read back from AdamW's
 * first moment, m₁ = (1 − β₁)·g) computed here by back-propagating each micro-batch on a second
 * copy of the model; the step's loss is the mean of the two losses; there is one optimizer step per
 * two micro-batches, and the learning-rate schedule advances once per optimizer step.
 */
class GradientAccumulationTest {
    private static final int BATCH = 4;
    private static final int ACCUMULATION = 2;
    private static final int ROWS = 16;
    private static final double BASE_RATE = 1e-3;
    private static final double BETA1 = 0.9;

    @TempDir
    Path dir;

    /** Batches of consecutive rows in file order, so the test knows which rows each micro-batch holds. */
    private static final BatchSampler IN_ORDER = (rows, seed) -> {
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += BATCH) {
            int[] batch = new int[Math.min(BATCH, rows.size() - start)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = start + i;
            }
            batches.add(batch);
        }
        return batches;
    };

    /** The first optimizer step's gradient as AdamW saw it, and the step's reported loss. */
    private static final class FirstStep implements TrainerListener {
        RetrievalTrainer trainer;
        final Map<String, float[]> gradient = new TreeMap<>();
        double loss;

        @Override
        public void onStepEnd(TrainerState state, TrainerControl control) {
            if (state.globalStep() == 1) {
                loss = state.lastLoss();
                trainer.optimizer().moments().forEach((name, m) -> {
                    if (name.startsWith("m.")) {
                        float[] values = m.toFloatArray();
                        for (int i = 0; i < values.length; i++) {
                            values[i] /= (float) (1 - BETA1);
                        }
                        gradient.put(name.substring(2), values);
                    }
                });
            }
        }
    }

    @Test
    void accumulatedStepsAverageMicroBatchGradientsAndTheScheduleCountsOptimizerSteps() throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 41, 0.0);
        Dataset data = TrainingData.englishPairs(ROWS);
        Loss loss = InfoNCE.builder().build();
        FirstStep first = new FirstStep();
        TrainerState state;
        Map<String, Double> lastRates;
        long optimizerSteps;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            TrainingArguments args = TrainingArguments.builder(dir.resolve("out")).batchSize(BATCH)
                    .gradientAccumulationSteps(ACCUMULATION).numTrainEpochs(2).learningRate(BASE_RATE).option("adam_beta1", String.valueOf(BETA1))
                    .lrSchedulerType("linear").warmupSteps(1).maxGradNorm(0).saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(data)
                    .collator(new PairCollator(model.tokenizer(), 24, 24)).batchSampler(IN_ORDER).loss(loss).listener(first).build()) {
                first.trainer = trainer;
                state = trainer.train();
                lastRates = trainer.optimizer().lastLearningRates();
                optimizerSteps = trainer.optimizer().stepCount();
            }
        }
        // 16 rows in batches of 4 are 4 micro-batches an epoch, 2 optimizer steps an epoch, 4 in two epochs
        int stepsPerEpoch = ROWS / BATCH / ACCUMULATION;
        assertThat(state.globalStep()).isEqualTo(2 * stepsPerEpoch);
        assertThat(optimizerSteps).isEqualTo(2 * stepsPerEpoch);
        // linear schedule over 4 optimizer steps with 1 warmup step: the last (index 3) gets (4 − 3) / (4 − 1)
        double lastFactor = (4.0 - 3) / (4 - 1);
        assertThat(lastRates.get("encoder.layer.1.output.dense.weight")).isCloseTo(BASE_RATE * lastFactor, within(1e-15));

        // the same two micro-batches back-propagated here, each loss divided by the accumulation steps
        Map<String, float[]> expected = new TreeMap<>();
        double expectedLoss = 0;
        try (AutoModelForEmbedding copy = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            copy.train(); // gradients on; dropout is 0, so the forward pass is the trainer's
            PairCollator collator = new PairCollator(copy.tokenizer(), 24, 24);
            BatchEmbedder embedder = new BatchEmbedder(copy, copy, false);
            List<Map<String, Object>> rows = data.toList();
            try (NDManager scope = copy.newScope()) {
                for (int micro = 0; micro < ACCUMULATION; micro++) {
                    try (NDManager step = scope.newSubManager();
                            GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray value = loss.forward(embedder.inputs(collator.collate(rows.subList(micro * BATCH, (micro + 1) * BATCH)), step));
                        expectedLoss += value.getFloat() / ACCUMULATION;
                        collector.backward(Scalars.div(value, ACCUMULATION));
                    }
                }
                copy.parameters().forEach((name, parameter) -> {
                    try (NDManager read = scope.newSubManager()) {
                        NDArray gradient = parameter.getGradient();
                        gradient.attach(read);
                        expected.put(name, gradient.toFloatArray());
                    }
                });
            }
        }
        assertThat(first.loss).as("the step's loss is the mean of its micro-batches' losses").isCloseTo(expectedLoss, within(1e-5));
        assertThat(first.gradient.keySet()).containsAll(List.of("encoder.layer.0.attention.self.query.weight",
                "embeddings.position_embeddings.weight"));
        for (Map.Entry<String, float[]> entry : first.gradient.entrySet()) {
            float[] want = expected.get(entry.getKey());
            double difference = 0;
            double scale = 0;
            for (int i = 0; i < want.length; i++) {
                difference += Math.pow(entry.getValue()[i] - want[i], 2);
                scale += Math.pow(want[i], 2);
            }
            assertThat(Math.sqrt(difference)).as("gradient of %s (norm %.3g)", entry.getKey(), Math.sqrt(scale))
                    .isLessThanOrEqualTo(1e-4 * Math.sqrt(scale) + 1e-9);
        }
    }
}
