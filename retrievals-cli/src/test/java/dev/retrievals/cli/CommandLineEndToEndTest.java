package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a user runs it: a separate JVM per call, exit codes and files checked. Train on a
 * small config, evaluate, export, encode (both back ends); bad configurations exit non-zero with a
 * one-line message naming the problem.
 */
class CommandLineEndToEndTest {
    private static final Path DATA = SharedData.folder();

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {}

    /** Starts the command in a new JVM in {@code dir}; its output goes to out.txt and err.txt there. */
    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private Result run(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("retrievals " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    private Path config(String body) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, body, StandardCharsets.UTF_8);
        return file;
    }

    private String smallConfig(String loss, String learningRate) {
        return "{\"model\": \"all-MiniLM-L6-v2\", \"output_dir\": \"run\","
                + " \"data\": {\"train\": \"" + DATA.resolve("sts-b-en/train.jsonl").toAbsolutePath() + "\", \"take\": 16},"
                + " \"loss\": {\"name\": \"" + loss + "\"}, \"collator\": {\"options\": {\"max_length\": 24}},"
                + " \"eval\": {\"sts\": \"" + DATA.resolve("sts-b-en/dev.jsonl").toAbsolutePath() + "\"},"
                + " \"training_arguments\": {\"max_steps\": 2, \"per_device_train_batch_size\": 8, \"learning_rate\": " + learningRate
                + ", \"save_strategy\": \"no\", \"disable_tqdm\": true}, \"export_onnx\": false}";
    }

    @Test
    void sigtermStopsTrainingCleanlyAndResumeGoesOn() throws Exception {
        Path config = config(smallConfig("cosent", "2e-5").replace("\"max_steps\": 2", "\"max_steps\": 500, \"logging_steps\": 1")
                .replaceAll("\"eval\": \\{[^}]*\\},", ""));
        Process training = start("train", "--config", config.toString());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (training.isAlive() && System.nanoTime() < deadline
                && (!Files.exists(dir.resolve("run/metrics.jsonl")) || Files.readAllLines(dir.resolve("run/metrics.jsonl")).size() < 2)) {
            Thread.sleep(50);
        }
        assertThat(training.isAlive()).as(Files.readString(dir.resolve("err.txt"))).isTrue();
        training.destroy(); // SIGTERM, as kill sends; Ctrl-C sends SIGINT, handled the same way
        assertThat(training.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(training.exitValue()).as(err).isEqualTo(128 + 15);
        assertThat(out).contains("interrupted: run the same command with --resume");
        try (var files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).as("JVM crash reports").noneMatch(n -> n.startsWith("hs_err"));
        }
        String checkpoint;
        try (var files = Files.list(dir.resolve("run"))) {
            checkpoint = files.map(path -> path.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).findFirst().orElseThrow();
        }
        long step = Long.parseLong(checkpoint.substring("checkpoint-".length()));
        assertThat(dir.resolve("run").resolve(checkpoint).resolve("trainer_state.json")).isRegularFile();

        Result resumed = run("train", "--config", config.toString(), "--resume", "--max-steps", String.valueOf(step + 2));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("Resumed from").contains(checkpoint);
    }

    @Test
    void trainEvaluateExportAndEncode() throws Exception {
        Files.writeString(dir.resolve("dev-small.jsonl"), String.join("\n",
                Files.readAllLines(DATA.resolve("sts-b-en/dev.jsonl")).subList(0, 40)) + "\n");
        Path config = config(smallConfig("cosent", "2e-5").replace(DATA.resolve("sts-b-en/dev.jsonl").toAbsolutePath().toString(),
                dir.resolve("dev-small.jsonl").toString()));
        Result train = run("train", "--config", config.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("spearman").contains("before").contains("after");
        Path model = dir.resolve("run/model");
        assertThat(model.resolve("model.safetensors")).isRegularFile();
        assertThat(model.resolve("modules.json")).isRegularFile();
        assertThat(dir.resolve("run/metrics.jsonl")).isRegularFile();

        Result evaluate = run("evaluate", "--model", model.toString(), "--sts", dir.resolve("dev-small.jsonl").toString(),
                "--output", "metrics.json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        JsonObject metrics = JsonParser.parseString(Files.readString(dir.resolve("metrics.json"))).getAsJsonObject();
        assertThat(metrics.get("spearman").getAsDouble()).isBetween(-1.0, 1.0);

        Result export = run("export", "--model", model.toString(), "--output", "exported");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(dir.resolve("exported/model.onnx")).isRegularFile();
        assertThat(dir.resolve("exported/tokenizer.json")).isRegularFile();

        Files.writeString(dir.resolve("texts.txt"), "a cat on a mat\nstocks fell sharply\n\nthe weather is nice\n");
        Result pytorch = run("encode", "--model", model.toString(), "--input", "texts.txt", "--output", "vectors.jsonl");
        assertThat(pytorch.exitCode()).as(pytorch.err()).isZero();
        Result onnx = run("encode", "--model", dir.resolve("exported").toString(), "--backend", "onnx", "--input", "texts.txt",
                "--output", "vectors-onnx.jsonl");
        assertThat(onnx.exitCode()).as(onnx.err()).isZero();
        List<String> torchLines = Files.readAllLines(dir.resolve("vectors.jsonl"));
        List<String> onnxLines = Files.readAllLines(dir.resolve("vectors-onnx.jsonl"));
        assertThat(torchLines).hasSize(3);
        assertThat(onnxLines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonObject a = JsonParser.parseString(torchLines.get(i)).getAsJsonObject();
            JsonObject b = JsonParser.parseString(onnxLines.get(i)).getAsJsonObject();
            assertThat(a.get("text").getAsString()).isEqualTo(b.get("text").getAsString());
            double dot = 0;
            for (int j = 0; j < a.getAsJsonArray("embedding").size(); j++) {
                dot += a.getAsJsonArray("embedding").get(j).getAsDouble() * b.getAsJsonArray("embedding").get(j).getAsDouble();
            }
            assertThat(dot).as("cosine of unit vectors, line %d", i).isGreaterThan(0.9999);
        }
        assertThat(JsonParser.parseString(torchLines.get(1)).getAsJsonObject().get("text").getAsString()).isEqualTo("stocks fell sharply");
    }

    @Test
    void badConfigurationsExitNonZeroNamingTheProblem() throws Exception {
        Result unknownLoss = run("train", "--config", config(smallConfig("infonse", "2e-5")).toString());
        assertThat(unknownLoss.exitCode()).isEqualTo(2);
        assertThat(unknownLoss.err()).startsWith("retrievals: ").contains("Unknown loss 'infonse'").contains("infonce");

        Result missingData = run("train", "--config", config(smallConfig("cosent", "2e-5")).toString(), "--data", "nowhere.jsonl");
        assertThat(missingData.exitCode()).isEqualTo(2);
        assertThat(missingData.err()).contains("data file nowhere.jsonl does not exist");

        Result unknownColumn = run("train", "--config", config(smallConfig("infonce", "2e-5")).toString());
        assertThat(unknownColumn.exitCode()).isEqualTo(2);
        assertThat(unknownColumn.err()).contains("loss 'infonce' needs inputs").contains("[query, positive]")
                .contains("the data has columns [sentence1, sentence2, score");

        Result negativeRate = run("train", "--config", config(smallConfig("cosent", "-1e-5")).toString());
        assertThat(negativeRate.exitCode()).isEqualTo(2);
        assertThat(negativeRate.err()).contains("Option 'learning_rate' of training arguments is '-1e-5'");

        Result unknownFlag = run("train", "--learning-rat", "1");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.err()).contains("unknown option --learning-rat");
        assertThat(unknownFlag.err().lines().count()).isEqualTo(1);
    }
}
