package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyStoppingListenerTest {
    private static boolean feed(EarlyStoppingListener listener, double... values) {
        TrainerControl control = new TrainerControl();
        for (double value : values) {
            listener.onEvaluate(new TrainerState(), control, Map.of("eval_spearman", value));
        }
        return control.shouldStop();
    }

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovementBeyondTheThreshold() {
        assertThat(feed(new EarlyStoppingListener("eval_spearman", true, 2, 0.01), 0.5, 0.6, 0.605, 0.62)).isFalse();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", true, 2, 0.01), 0.5, 0.6, 0.605, 0.609)).isTrue();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", false, 1, 0), 0.5, 0.4, 0.45)).isTrue();
        assertThat(feed(new EarlyStoppingListener("eval_spearman", false, 1, 0), 0.5, 0.4, 0.3)).isFalse();
    }

    @Test
    void aMissingMetricOrBadSettingsAreNamed() {
        assertThatThrownBy(() -> feed(new EarlyStoppingListener("eval_ndcg@10", true, 1, 0), 0.5))
                .hasMessageContaining("'eval_ndcg@10'").hasMessageContaining("eval_spearman");
        assertThatThrownBy(() -> new EarlyStoppingListener("m", true, 0, 0)).hasMessageContaining("early_stopping_patience is 0");
    }

    /** The evaluation rows of the real run: the first 40 English STS-B dev pairs. */
    private static Path stsRows(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(TrainingData.dataDir().resolve("sts-b-en/dev.jsonl"), StandardCharsets.UTF_8);
        return Files.write(dir.resolve("sts.jsonl"), lines.subList(0, 40), StandardCharsets.UTF_8);
    }

    @Test
    void aRealRunStopsAfterPatienceEvaluationsAndSavesItsModel(@TempDir Path dir) throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 31);
        Path output = dir.resolve("out");
        TrainerState state;
        // evaluation every step; no evaluation can improve Spearman by 0.5 in one step at this rate, so the
        // run stops at the third: the first sets the best, the next two (patience 2) do not beat it
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            TrainingArguments args = TrainingArguments.builder(output).batchSize(8).maxSteps(20).learningRate(1e-4)
                    .evalStrategy("steps").evalSteps(1).saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset(TrainingData.englishPairs(48)).collator(new PairCollator(model.tokenizer(), 24, 24))
                    .loss(InfoNCE.builder().build()).evaluator(StsEvaluator.builder(stsRows(dir)).build())
                    .listener(new EarlyStoppingListener("eval_spearman", true, 2, 0.5)).build()) {
                state = trainer.train();
            }
        }
        assertThat(state.globalStep()).as("stopped early, not at max_steps 20").isEqualTo(3);
        assertThat(state.logHistory().stream().filter(entry -> entry.containsKey("eval_spearman")).count()).isEqualTo(3);
        assertThat(output.resolve("model/model.safetensors")).as("the model is saved when training stops early").isRegularFile();
    }
}
