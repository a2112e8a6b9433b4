package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.testing.TinyModelFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrievals train --config} with two named training sets ({@code datasets}) on a tiny random
 * BERT: each set's loss appears in metrics.jsonl in round-robin order, run.json describes the sets
 * with their resolved collators, the report plots them; bad {@code datasets} configurations are one
 * clear line naming the set and key.
 */
class MultiDatasetTrainCommandTest {
    @TempDir
    Path dir;

    private Path config(String body) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("conf"));
        Path sts = SharedData.resolve("sts-b-en/train.jsonl");
        Files.write(folder.resolve("pairs.jsonl"), Files.readAllLines(sts, StandardCharsets.UTF_8).subList(0, 12), StandardCharsets.UTF_8);
        Path file = folder.resolve("config.json");
        Files.writeString(file, body.replace("STS", sts.toAbsolutePath().toString()), StandardCharsets.UTF_8);
        return file;
    }

    private static String twoSets(String model) {
        return "{\"model\": \"" + model + "\", \"pooling\": \"mean\", \"output_dir\": \"run\", \"export_onnx\": false,"
                + " \"datasets\": {"
                + "  \"pairs\": {\"train\": \"pairs.jsonl\", \"columns\": {\"sentence1\": \"query\", \"sentence2\": \"positive\"},"
                + "            \"loss\": {\"name\": \"infonce\", \"options\": {\"temperature\": 0.05}},"
                + "            \"collator\": {\"options\": {\"query_max_length\": 24, \"document_max_length\": 24}}},"
                + "  \"scored\": {\"train\": \"STS\", \"take\": 16, \"loss\": {\"name\": \"cosent\"},"
                + "             \"collator\": {\"name\": \"scored_pair\", \"options\": {\"max_length\": 24}}}},"
                + " \"training_arguments\": {\"max_steps\": 2, \"per_device_train_batch_size\": 4, \"save_strategy\": \"no\","
                + "  \"logging_steps\": 1, \"multi_dataset_batch_sampler\": \"round_robin\", \"disable_tqdm\": true}}";
    }

    @Test
    @Tag("slow")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void twoNamedSetsTrainThroughTheConfiguration() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 3, 0);
        Path config = config(twoSets(model.toString()));
        RerankCommandsTest.Result result = RerankCommandsTest.run("train", "--config", config.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();

        Path run = dir.resolve("conf/run");
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(metrics).hasSize(2);
        // round robin in the file's order: step 1 from "pairs", step 2 from "scored"
        JsonObject first = JsonParser.parseString(metrics.get(0)).getAsJsonObject();
        JsonObject second = JsonParser.parseString(metrics.get(1)).getAsJsonObject();
        assertThat(first.has("loss/pairs")).isTrue();
        assertThat(first.has("loss/scored")).isFalse();
        assertThat(second.has("loss/scored")).isTrue();
        assertThat(second.has("loss/pairs")).isFalse();
        assertThat(first.get("loss/pairs").getAsDouble()).isEqualTo(first.get("loss").getAsDouble());
        assertThat(second.get("loss/scored").getAsDouble()).isEqualTo(second.get("loss").getAsDouble());

        JsonObject described = JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject();
        assertThat(described.has("data")).isFalse();
        JsonObject sets = described.getAsJsonObject("datasets");
        assertThat(sets.keySet()).containsExactly("pairs", "scored");
        assertThat(sets.getAsJsonObject("pairs").getAsJsonObject("collator").get("name").getAsString()).isEqualTo("pair");
        assertThat(sets.getAsJsonObject("pairs").getAsJsonObject("data").get("train").getAsString())
                .isEqualTo(dir.resolve("conf/pairs.jsonl").toAbsolutePath().toString());
        assertThat(sets.getAsJsonObject("scored").getAsJsonObject("loss").get("name").getAsString()).isEqualTo("cosent");
        assertThat(described.getAsJsonObject("training_arguments").get("multi_dataset_batch_sampler").getAsString())
                .isEqualTo("round_robin");
        assertThat(Files.readString(run.resolve("report.html"))).contains("Training loss: set pairs").contains("Training loss: set scored");
        assertThat(run.resolve("model/model.safetensors")).isRegularFile();
    }

    private void assertRefused(String body, String... expected) throws IOException {
        assertRefused(new String[0], body, expected);
    }

    private void assertRefused(String[] flags, String body, String... expected) throws IOException {
        Path config = config(body);
        String[] args = new String[2 + flags.length];
        args[0] = "train";
        args[1] = "--config=" + config;
        System.arraycopy(flags, 0, args, 2, flags.length);
        RerankCommandsTest.Result result = RerankCommandsTest.run(args);
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").contains(expected);
    }

    @Test
    void badDatasetsConfigurationsAreOneLineNamingTheSetAndKey() throws IOException {
        String good = twoSets("no-model-needed");
        assertRefused(good.replace("\"export_onnx\": false,", "\"export_onnx\": false, \"data\": {\"train\": \"pairs.jsonl\"},"),
                "'datasets' and 'data' exclude each other");
        assertRefused(good.replace("\"take\": 16,", "\"take\": 16, \"lossy\": 1,"), "'datasets.scored': unknown key 'lossy'");
        assertRefused(good.replace("\"loss\": {\"name\": \"cosent\"}", "\"loss\": {\"name\": \"cosent\", \"scale\": 20}"),
                "'datasets.scored.loss': unknown key 'scale'");
        assertRefused(good.replace("\"loss\": {\"name\": \"cosent\"},", ""), "'datasets.scored' needs \"loss\"");
        assertRefused(good.replace("\"take\": 16", "\"take\": 0"), "'datasets.scored.take' is 0");
        assertRefused(good.replace("\"train\": \"pairs.jsonl\"", "\"train\": \"missing.jsonl\""), "'datasets.pairs.train': data file",
                "missing.jsonl does not exist");
        assertRefused(good.replace("\"datasets\": {", "\"datasets\": {\"a/b\": {\"train\": \"pairs.jsonl\"},"), "'datasets.a/b'");
        assertRefused(good.replace("\"cosent\"", "\"cosine_sent\""), "training set 'scored'", "cosine_sent");
        assertRefused(new String[] {"--task", "rerank"}, good, "--task rerank trains on one set");
        assertRefused(new String[] {"--loss", "cosent"}, good, "the configuration's 'datasets' gives each set its own");
    }
}
