package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.cli.CommandLineHelpTest.Result;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrievals train} with evaluations on other data ({@code --eval-also NAME=FILE},
 * {@code eval.also}) and LM-Cocktail merging at the end ({@code --merge-ratio}, {@code merge_ratio}):
 * named metrics sit beside the training task's, the merged model is {@code R · trained + (1 − R) · base}
 * on every weight, and it is what the run evaluates and saves as its model.
 */
class TrainMergeAndOtherDataTest {
    @TempDir
    Path dir;

    private Path firstLines(String shared, int lines, String name) throws Exception {
        List<String> rows = Files.readAllLines(SharedData.resolve(shared), StandardCharsets.UTF_8).subList(0, lines);
        return Files.write(dir.resolve(name), rows, StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void namedEvaluationsAndTheMergedModelAreReportedAndSaved() throws Exception {
        Path base = TinyModelFolder.write(dir.resolve("tiny"), 21);
        Path train = firstLines("sts-b-en/train.jsonl", 32, "train.jsonl");
        Path dev = firstLines("sts-b-en/dev.jsonl", 40, "dev.jsonl");
        Path sick = firstLines("sick-en/trial.jsonl", 40, "sick.jsonl");
        Path run = dir.resolve("run");
        double ratio = 0.3;
        Result result = CommandLineHelpTest.run("train", "--model", base.toString(), "--data", train.toString(), "--loss", "cosent",
                "--max-steps", "2", "--batch-size", "16", "--learning-rate", "5e-3", "--no-export", "--output-dir", run.toString(),
                "--eval-sts", dev.toString(), "--eval-also", "same=" + dev, "--eval-also", "sick=" + sick, "--merge-ratio", String.valueOf(ratio),
                "--training-argument", "layerwise_lr_decay=0.8", "--training-argument", "weight_decay=0.02");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("merged 0.3 x trained + 0.7 x base").containsPattern("metric +before +after +merged");

        // every weight of the saved model is the average of the kept trained weights and the base's, by plain arithmetic
        SafetensorsFile trained = SafetensorsFile.read(run.resolve("model-tuned/model.safetensors"));
        SafetensorsFile original = SafetensorsFile.read(base.resolve("model.safetensors"));
        SafetensorsFile merged = SafetensorsFile.read(run.resolve("model/model.safetensors"));
        boolean trainingChangedSomething = false;
        for (String name : List.of("embeddings.word_embeddings.weight", "encoder.layer.1.attention.self.query.weight",
                "encoder.layer.0.output.dense.bias")) {
            float[] t = trained.tensor(name).orElseThrow().toFloatArray();
            float[] b = original.tensor(name).orElseThrow().toFloatArray();
            float[] m = merged.tensor(name).orElseThrow().toFloatArray();
            for (int i = 0; i < m.length; i++) {
                assertThat((double) m[i]).as("%s[%d]", name, i).isCloseTo(ratio * t[i] + (1 - ratio) * b[i], Offset.offset(1e-6));
                trainingChangedSomething |= t[i] != b[i];
            }
        }
        assertThat(trainingChangedSomething).as("two steps at a high rate change the weights").isTrue();

        JsonObject evaluation = JsonParser.parseString(Files.readString(run.resolve("evaluation.json"))).getAsJsonObject();
        assertThat(evaluation.keySet()).containsExactly("before", "after", "merged");
        for (String moment : List.of("before", "after", "merged")) {
            JsonObject metrics = evaluation.getAsJsonObject(moment);
            assertThat(metrics.keySet()).contains("spearman", "same/spearman", "same/pearson", "sick/spearman", "sick/pearson");
            assertThat(metrics.get("same/spearman").getAsDouble()).as("the named evaluation of the same file, %s", moment)
                    .isEqualTo(metrics.get("spearman").getAsDouble());
        }
        assertThat(evaluation.getAsJsonObject("merged").get("sick/spearman").getAsDouble())
                .isNotEqualTo(evaluation.getAsJsonObject("after").get("sick/spearman").getAsDouble());
        Map<?, ?> recorded = new com.google.gson.Gson().fromJson(Files.readString(run.resolve("run.json")), Map.class);
        assertThat(recorded.get("merge_ratio")).isEqualTo(ratio);
        Map<?, ?> arguments = (Map<?, ?>) recorded.get("training_arguments");
        assertThat(arguments.get("layerwise_lr_decay")).as("--training-argument reaches the trainer").isEqualTo(0.8);
        assertThat(arguments.get("weight_decay")).isEqualTo(0.02);
    }

    @Test
    void aConfigurationNamesEvaluationsOnOtherDataWithAnyEvaluator() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"merge_ratio\": 0.5, \"eval\": {\"sts\": \"dev.jsonl\", \"also\": {"
                + "\"lcqmc-dev\": {\"sts\": \"lcqmc/dev.jsonl\"},"
                + " \"banking\": {\"classification\": {\"train_path\": \"b/train.jsonl\", \"test_path\": \"b/test.jsonl\", \"k\": 3}}}}}");
        TrainConfig config = TrainConfig.read(dir.resolve("a.json"));
        assertThat(config.mergeRatio).isEqualTo(0.5);
        assertThat(config.evalSts).isEqualTo(dir.resolve("dev.jsonl"));
        assertThat(config.evalMore).containsExactly(
                new EvaluatorSpec("lcqmc-dev", "sts", Map.of("path", dir.resolve("lcqmc/dev.jsonl").toString())),
                new EvaluatorSpec("banking", "classification", Map.of("train_path", dir.resolve("b/train.jsonl").toString(),
                        "test_path", dir.resolve("b/test.jsonl").toString(), "k", "3")));
        assertThatThrownBy(() -> config.evalMore.get(0).requireFiles()).isInstanceOf(UsageException.class)
                .hasMessage("evaluation 'lcqmc-dev' (sts): path " + dir.resolve("lcqmc/dev.jsonl") + " does not exist");
    }

    @Test
    void badEvaluationsAndRatiosNameTheEntry() throws Exception {
        String file = "configuration file " + dir.resolve("x.json");
        assertThat(error("{\"eval\": {\"also\": {\"lc qmc\": {\"sts\": \"d.jsonl\"}}}}"))
                .startsWith(file + ": 'eval.also.lc qmc.sts': Evaluation name 'lc qmc' is not allowed");
        assertThat(error("{\"eval\": {\"also\": {\"lcqmc\": {\"stz\": \"d.jsonl\"}}}}"))
                .startsWith(file + ": 'eval.also.lcqmc.stz': unknown evaluator 'stz'; known evaluators: ").contains("sts");
        assertThat(error("{\"eval\": {\"also\": {\"lcqmc\": \"d.jsonl\"}}}"))
                .isEqualTo(file + ": 'eval.also.lcqmc' must be a JSON object of evaluators, e.g. {\"sts\": \"dev.jsonl\"}");
        assertThat(error("{\"eval\": {\"also\": [\"d.jsonl\"]}}")).startsWith(file + ": 'eval.also' must be a JSON object of named");
        assertThat(error("{\"merge_ratio\": 1.5}")).isEqualTo(file + ": 'merge_ratio' is '1.5'; expected a number from 0 to 1"
                + " (the weight of the trained model; 1 keeps it, 0 gives back the base)");

        Result flag = CommandLineHelpTest.run("train", "--data", "none.jsonl", "--loss", "cosent", "--merge-ratio", "two");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err().strip()).startsWith("retrievals: option --merge-ratio is 'two'; expected a number from 0 to 1");
    }

    private String error(String json) throws Exception {
        Files.writeString(dir.resolve("x.json"), json);
        try {
            TrainConfig.read(dir.resolve("x.json"));
        } catch (UsageException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + json);
    }
}
