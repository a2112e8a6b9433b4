package dev.retrievals.trainer.gradcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.ForwardingTrainableEncoder;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainerControl;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainerState;
import dev.retrievals.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer with {@code gradient_cache_mini_batch_size} and with {@code gradient_checkpointing}
 * (alone and inside a gradient cache): dropout on, real pairs, all-MiniLM-L6-v2.
 */
class GradientCacheTrainingTest {
    private static final int BATCH = 4;

    @TempDir
    Path dir;

    /** Trains and returns the weights; {@code stopAt} > 0 stops there (a checkpoint is written). */
    private Map<String, float[]> train(Path output, int miniBatch, int accumulation, String resume, long stopAt) {
        return train(output, miniBatch, accumulation, resume, stopAt, new ArrayList<>());
    }

    /** As above, also adding each step's (loss, gradient norm before clipping) to {@code steps}. */
    private Map<String, float[]> train(Path output, int miniBatch, int accumulation, String resume, long stopAt, List<double[]> steps) {
        return train(output, miniBatch, false, accumulation, resume, stopAt, steps);
    }

    /** As above, with activation checkpointing on or off. */
    private Map<String, float[]> train(Path output, int miniBatch, boolean checkpointing, int accumulation, String resume, long stopAt,
            List<double[]> steps) {
        try (AutoModelForEmbedding pretrained = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2");
                CountingEncoder model = new CountingEncoder(pretrained)) {
            pretrained.weights().freeze("word_embeddings");
            TrainingArguments args = TrainingArguments.builder(output).batchSize(BATCH).gradientAccumulationSteps(accumulation)
                    .gradientCacheMiniBatchSize(miniBatch).gradientCheckpointing(checkpointing).maxSteps(2).learningRate(1e-4).maxGradNorm(0.5)
                    .learningRateFor("encoder\\.layer\\.0\\.", 2e-5).seed(11).saveStrategy("no").disableProgressBar(true)
                    .resumeFromCheckpoint(resume).build();
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset(Fixtures.pairs(2 * BATCH * accumulation))
                    .collator(new PairCollator(model.tokenizer(), Fixtures.MAX_LENGTH, Fixtures.MAX_LENGTH))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build());
            builder.listener(new TrainerListener() {
                @Override
                public void onStepEnd(TrainerState state, TrainerControl control) {
                    steps.add(new double[] {state.lastLoss(), state.gradientNorm()});
                    if (state.globalStep() == stopAt) {
                        control.requestStop("test stops at step " + stopAt);
                    }
                }
            });
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
            }
            assertThat(model.checkpointedBatches > 0).as("embedded with checkpointing").isEqualTo(checkpointing);
            Map<String, float[]> weights = new LinkedHashMap<>();
            model.trainableParameters().forEach((name, array) -> weights.put(name, array.toFloatArray()));
            return weights;
        }
    }

    /**
     * Same dropout, so the same loss and gradient norm at every step. (Weights are not compared
     * tightly: Adam moves a weight whose gradient is near zero by about the learning rate whatever
     * its sign, so float rounding in a tiny gradient shows up at the scale of the learning rate.)
     */
    @Test
    void aBatchThatIsOneChunkTrainsAsThePlainPath() {
        List<double[]> plain = new ArrayList<>();
        List<double[]> cached = new ArrayList<>();
        train(dir.resolve("plain"), 0, 1, "", 0, plain);
        train(dir.resolve("cached"), BATCH, 1, "", 0, cached);
        assertThat(cached).hasSize(2).hasSameSizeAs(plain);
        for (int step = 0; step < plain.size(); step++) {
            assertThat(cached.get(step)[0]).as("loss at step %d", step).isCloseTo(plain.get(step)[0], within(1e-5));
            assertThat(cached.get(step)[1]).as("gradient norm at step %d", step)
                    .isCloseTo(plain.get(step)[1], within(1e-5 * plain.get(step)[1]));
        }
    }

    @Test
    void chunkedTrainingWithAccumulationResumesExactlyAndChangesTheWeights() {
        Map<String, float[]> uninterrupted = train(dir.resolve("a"), 2, 2, "", 0);
        train(dir.resolve("b"), 2, 2, "", 1);
        Map<String, float[]> resumed = train(dir.resolve("b"), 2, 2, "latest", 0);
        Map<String, float[]> initial = new LinkedHashMap<>();
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            model.weights().freeze("word_embeddings");
            model.trainableParameters().forEach((name, array) -> initial.put(name, array.toFloatArray()));
        }
        assertThat(Fixtures.maxDifference(uninterrupted, initial)).as("training changed the weights").isGreaterThan(1e-5);
        assertThat(Fixtures.maxDifference(uninterrupted, resumed)).as("resumed vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }

    /**
     * Activation checkpointing runs the same operations with the same dropout masks, so every step's
     * loss and gradient norm, and the weights after them, are those of the ordinary pass: alone, and
     * inside a gradient cache of two chunks.
     */
    @Test
    void checkpointingTrainsAsTheSamePathWithout() {
        for (int miniBatch : new int[] {0, 2}) {
            List<double[]> plain = new ArrayList<>();
            List<double[]> checkpointed = new ArrayList<>();
            Map<String, float[]> plainWeights = train(dir.resolve("plain" + miniBatch), miniBatch, false, 1, "", 0, plain);
            Map<String, float[]> checkpointedWeights = train(dir.resolve("checkpointed" + miniBatch), miniBatch, true, 1, "", 0, checkpointed);
            assertThat(checkpointed).hasSize(2).hasSameSizeAs(plain);
            for (int step = 0; step < plain.size(); step++) {
                assertThat(checkpointed.get(step)[0]).as("mini batch %d: loss at step %d", miniBatch, step)
                        .isCloseTo(plain.get(step)[0], within(1e-6));
                assertThat(checkpointed.get(step)[1]).as("mini batch %d: gradient norm at step %d", miniBatch, step)
                        .isCloseTo(plain.get(step)[1], within(1e-6 * plain.get(step)[1]));
            }
            assertThat(Fixtures.maxDifference(plainWeights, checkpointedWeights)).as("mini batch %d: weights", miniBatch)
                    .isLessThanOrEqualTo(1e-6);
        }
    }

    /** The model as the trainer sees it, counting the batches it embeds with activation checkpointing. */
    private static final class CountingEncoder extends ForwardingTrainableEncoder {
        private int checkpointedBatches;

        CountingEncoder(AutoModelForEmbedding model) {
            super(model);
        }

        @Override
        public CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
            checkpointedBatches++;
            return super.embedCheckpointed(batch, scope);
        }
    }
}
