package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N steps, a stop, a resume for N more: the same weights as 2N steps in one go, with dropout on. */
class ResumeEquivalenceTest {
    private static final int N = 2;

    @TempDir
    Path dir;

    private Map<String, float[]> train(Path output, String resume, TrainerListener listener) {
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            TrainingArguments args = TrainingArguments.builder(output).batchSize(4).maxSteps(2 * N).learningRate(1e-4)
                    .warmupSteps(1).seed(7).saveStrategy("no").disableProgressBar(true).resumeFromCheckpoint(resume).build();
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset(TrainingData.englishPairs(24))
                    .collator(new PairCollator(model.tokenizer(), 32, 32))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build());
            if (listener != null) {
                builder.listener(listener);
            }
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
            }
            Map<String, float[]> weights = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> entry : model.parameters().entrySet()) {
                weights.put(entry.getKey(), entry.getValue().toFloatArray());
            }
            return weights;
        }
    }

    @Test
    void resumingGivesTheWeightsOfAnUninterruptedRun() {
        Map<String, float[]> uninterrupted = train(dir.resolve("a"), "", null);
        train(dir.resolve("b"), "", TrainingData.stopAfter(N));
        assertThat(Checkpoints.latest(dir.resolve("b"))).hasValueSatisfying(p -> assertThat(p).endsWith(Path.of("checkpoint-" + N)));
        Map<String, float[]> resumed = train(dir.resolve("b"), "latest", null);

        Map<String, float[]> initial;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            initial = new LinkedHashMap<>();
            model.parameters().forEach((name, array) -> initial.put(name, array.toFloatArray()));
        }
        assertThat(TrainingData.maxDifference(uninterrupted, initial)).as("training changed the weights").isGreaterThan(1e-5);
        assertThat(TrainingData.maxDifference(uninterrupted, resumed)).as("resumed vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }
}
