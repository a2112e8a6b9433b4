package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation during training tracks the best metric, and load_best_model_at_end saves that checkpoint's weights. */
class BestModelTest {
    @TempDir
    Path dir;

    @Test
    void theFinalModelHasTheBestCheckpointsWeights() throws Exception {
        Path sts = dir.resolve("sts.jsonl");
        List<String> lines = Files.readAllLines(TrainingData.dataDir().resolve("sts-b-en/dev.jsonl"), StandardCharsets.UTF_8);
        Files.write(sts, lines.subList(0, 40), StandardCharsets.UTF_8);
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 21);
        Path output = dir.resolve("out");
        TrainerState state;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean")) {
            TrainingArguments args = TrainingArguments.builder(output).batchSize(8).maxSteps(6).learningRate(5e-3)
                    .evalStrategy("steps").evalSteps(2).saveStrategy("no").loadBestModelAtEnd(true)
                    .disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset(TrainingData.englishPairs(48)).collator(new PairCollator(model.tokenizer(), 24, 24))
                    .loss(InfoNCE.builder().build()).evaluator(StsEvaluator.builder(sts).build()).build()) {
                state = trainer.train();
            }
        }
        List<Map<String, Object>> evaluations = state.logHistory().stream().filter(e -> e.containsKey("eval_spearman")).toList();
        assertThat(evaluations).hasSize(3);
        double best = evaluations.stream().mapToDouble(e -> (Double) e.get("eval_spearman")).max().orElseThrow();
        assertThat(state.bestMetric()).isEqualTo(best);
        Path bestCheckpoint = output.resolve(state.bestCheckpoint());
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> expected = SafetensorsFile.read(bestCheckpoint.resolve("model/model.safetensors")).toNDArrays(manager);
            Map<String, NDArray> saved = SafetensorsFile.read(output.resolve("model/model.safetensors")).toNDArrays(manager);
            for (Map.Entry<String, NDArray> entry : expected.entrySet()) {
                assertThat(saved.get(entry.getKey()).toFloatArray()).as(entry.getKey()).containsExactly(entry.getValue().toFloatArray());
            }
        }
        assertThat(Files.readAllLines(output.resolve("metrics.jsonl"))).anyMatch(line -> line.contains("eval_spearman"));
    }
}
