package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.collators.PointwiseCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.losses.ArcFaceAdaptiveMarginLoss;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-wise ArcFace training with layered learning rates: the rate each parameter actually
 * received at a step equals base × override × decay^depth × schedule (loss parameters: base ×
 * multiplier × schedule), and frozen parameters receive none.
 */
class PerGroupLearningRateTest {
    private static final int STEPS = 5;
    private static final int WARMUP = 2;

    @TempDir
    Path dir;

    @Test
    void eachParameterReceivesItsGroupsRate() {
        Dataset data = Dataset.fromJsonl(TrainingData.dataDir().resolve("banking77/train.jsonl")).shuffle(3).take(32);
        LabelMap labels = LabelMap.fromDataset(data, "label");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            model.weights().freeze("^embeddings\\.word_embeddings\\.");
            double base = 2e-5;
            TrainingArguments args = TrainingArguments.builder(dir).batchSize(8).maxSteps(STEPS).learningRate(base)
                    .lrSchedulerType("linear").warmupSteps(WARMUP).layerwiseLrDecay(0.9).lossLearningRateMultiplier(100)
                    .learningRateFor("LayerNorm", 1e-4).saveStrategy("no").disableProgressBar(true).build();
            ArcFaceAdaptiveMarginLoss loss = ArcFaceAdaptiveMarginLoss.builder(labels.size(), model.dimension()).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(data)
                    .collator(new PointwiseCollator(model.tokenizer(), labels, 32)).loss(loss).build()) {
                trainer.train();
                Map<String, Double> rates = trainer.optimizer().lastLearningRates();
                // Hugging Face's linear schedule: the last step (0-based index STEPS - 1) after WARMUP warmup steps
                // gets (STEPS - index) / (STEPS - WARMUP) = 1/3 of each group's rate
                double factor = (double) (STEPS - (STEPS - 1)) / (STEPS - WARMUP);
                assertThat(factor).isCloseTo(1.0 / 3, within(1e-15));
                assertThat(rates.get("encoder.layer.5.attention.self.query.weight")).isCloseTo(base * factor, within(1e-15));
                assertThat(rates.get("encoder.layer.0.intermediate.dense.weight")).isCloseTo(base * Math.pow(0.9, 5) * factor, within(1e-15));
                assertThat(rates.get("encoder.layer.2.output.LayerNorm.weight")).isCloseTo(1e-4 * Math.pow(0.9, 3) * factor, within(1e-15));
                assertThat(rates.get("embeddings.position_embeddings.weight")).isCloseTo(base * Math.pow(0.9, 6) * factor, within(1e-15));
                assertThat(rates.get("loss.arc_weight")).isCloseTo(base * 100 * factor, within(1e-15));
                assertThat(rates).doesNotContainKey("embeddings.word_embeddings.weight");
                assertThat(loss.step()).isEqualTo(STEPS);
            }
            loss.close();
        }
    }
}
