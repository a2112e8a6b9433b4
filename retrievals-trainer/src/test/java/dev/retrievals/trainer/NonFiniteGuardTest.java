package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loss that turns NaN at one call: the trainer stops (or skips the step) as configured and keeps the last checkpoint. */
class NonFiniteGuardTest {
    @TempDir
    Path dir;

    /** InfoNCE, except that call number {@code poisonedCall} returns NaN (multiplying by NaN keeps the graph). */
    private static Loss poisonedAt(int poisonedCall) {
        Loss inner = InfoNCE.builder().build();
        return new Loss() {
            private int calls;

            @Override
            public Set<String> requiredInputs() {
                return inner.requiredInputs();
            }

            @Override
            public NDArray forward(LossInputs inputs) {
                NDArray value = inner.forward(inputs);
                return ++calls == poisonedCall ? value.mul(Float.NaN) : value;
            }
        };
    }

    private TrainerState train(Path output, String policy, Loss loss, AutoModelForEmbedding model, String saveStrategy) {
        TrainingArguments args = TrainingArguments.builder(output).batchSize(4).maxSteps(4).saveSteps(2).saveStrategy(saveStrategy).seed(1)
                .nonFiniteLoss(policy).disableProgressBar(true).build();
        try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(TrainingData.englishPairs(16))
                .collator(new PairCollator(model.tokenizer(), 24, 24)).loss(loss).build()) {
            return trainer.train();
        }
    }

    private static void assertAllFinite(AutoModelForEmbedding model) {
        for (NDArray parameter : model.parameters().values()) {
            for (float value : parameter.toFloatArray()) {
                assertThat(Float.isFinite(value)).isTrue();
            }
        }
    }

    @Test
    void stopPolicyStopsBeforeUpdatingAndKeepsTheLastCheckpoint() {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            TrainerState state = train(dir.resolve("stop"), "stop", poisonedAt(3), model, "steps");
            assertThat(state.globalStep()).isEqualTo(2);
            assertThat(Checkpoints.latest(dir.resolve("stop"))).hasValue(dir.resolve("stop").resolve("checkpoint-2"));
            assertAllFinite(model);
        }
    }

    @Test
    void skipPolicySkipsTheStepAndGoesOn() {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            TrainerState state = train(dir.resolve("skip"), "skip", poisonedAt(2), model, "no");
            assertThat(state.globalStep()).isEqualTo(4);
            assertThat(Double.isFinite(state.lastLoss())).isTrue();
            assertAllFinite(model);
        }
    }

    /** Copies of every parameter and every AdamW moment after each step, by step. */
    private static final class Snapshots implements TrainerListener {
        final Map<Long, Map<String, float[]>> byStep = new HashMap<>();
        RetrievalTrainer trainer;
        AutoModelForEmbedding model;

        @Override
        public void onStepEnd(TrainerState state, TrainerControl control) {
            Map<String, float[]> copy = new TreeMap<>();
            model.parameters().forEach((name, value) -> copy.put("weight " + name, value.toFloatArray()));
            trainer.optimizer().moments().forEach((name, value) -> copy.put("moment " + name, value.toFloatArray()));
            byStep.put(state.globalStep(), copy);
        }
    }

    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, values) -> assertThat(actual.get(name)).as("%s: %s", what, name).containsExactly(values));
    }

    @Test
    void aSkippedStepLeavesWeightsAndAdamMomentsExactlyAsTheyWere() throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 12);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            Snapshots snapshots = new Snapshots();
            snapshots.model = model;
            TrainingArguments args = TrainingArguments.builder(dir.resolve("skip-exact")).batchSize(4).maxSteps(3).learningRate(1e-3)
                    .saveStrategy("no").seed(1).nonFiniteLoss("skip").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(TrainingData.englishPairs(16))
                    .collator(new PairCollator(model.tokenizer(), 24, 24)).loss(poisonedAt(2)).listener(snapshots).build()) {
                snapshots.trainer = trainer;
                trainer.train();
            }
            assertThat(snapshots.byStep).containsOnlyKeys(1L, 2L, 3L);
            Map<String, float[]> afterFirst = snapshots.byStep.get(1L);
            assertThat(afterFirst.keySet()).anyMatch(name -> name.startsWith("moment "));
            assertSame(afterFirst, snapshots.byStep.get(2L), "after the skipped step 2, as after step 1");
            // the comparison can fail: the next, healthy step changes them
            assertThat(snapshots.byStep.get(3L).entrySet()).anyMatch(entry -> !Arrays.equals(entry.getValue(), afterFirst.get(entry.getKey())));
        }
    }

    @Test
    void aStoppedRunKeepsTheWeightsOfItsLastGoodStep() throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny-stop"), 13);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            TrainerState state = train(dir.resolve("stop-exact"), "stop", poisonedAt(3), model, "steps");
            assertThat(state.globalStep()).isEqualTo(2);
            Path saved = dir.resolve("stop-exact").resolve("checkpoint-2").resolve("model").resolve("model.safetensors");
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, NDArray> checkpoint = SafetensorsFile.read(saved).toNDArrays(manager);
                model.parameters().forEach((name, value) -> assertThat(value.toFloatArray()).as(name)
                        .containsExactly(checkpoint.get(name).toFloatArray()));
            }
        }
    }
}
