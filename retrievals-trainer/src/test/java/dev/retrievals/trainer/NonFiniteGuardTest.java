package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.Set;
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
}
