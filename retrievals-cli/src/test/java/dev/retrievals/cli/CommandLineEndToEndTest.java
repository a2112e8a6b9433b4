package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a user runs it: a separate JVM per call (through {@link ChildProcess}, with a
 * deadline), its output going to files as in CI. Train on a small config, then evaluate, export and
 * encode (both back ends) with the run folder standing for its model; the printed figures match
 * in-process evaluations; the console shows only progress lines, the before/after table, the
 * report path and the export line; bad configurations exit 2 with a one-line message.
 */
class CommandLineEndToEndTest {
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final Pattern PROGRESS_LINE = Pattern.compile("train \\d+/\\d+ \\(\\d+%\\) [0-9.]+ it/s ETA \\d+:\\d\\d loss .* tok/s");
    private static final Pattern TABLE_ROW = Pattern.compile("(\\w+) +(-?[0-9.]+) +(-?[0-9.]+)");

    @TempDir
    Path dir;

    private ChildProcess start(String... args) {
        return new CliProcess(dir, List.of("-Xmx3g"), DEADLINE).start(args);
    }

    private CliProcess.Result run(String... args) throws IOException {
        return new CliProcess(dir, List.of("-Xmx3g"), DEADLINE).run(args);
    }

    private Path config(String body) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, body, StandardCharsets.UTF_8);
        return file;
    }

    private String smallConfig(String loss, String learningRate) {
        return "{\"model\": \"all-MiniLM-L6-v2\", \"output_dir\": \"run\","
                + " \"data\": {\"train\": \"" + SharedData.resolve("sts-b-en/train.jsonl").toAbsolutePath() + "\", \"take\": 16},"
                + " \"loss\": {\"name\": \"" + loss + "\"}, \"collator\": {\"options\": {\"max_length\": 24}},"
                + " \"eval\": {\"sts\": \"" + SharedData.resolve("sts-b-en/dev.jsonl").toAbsolutePath() + "\"},"
                + " \"training_arguments\": {\"max_steps\": 2, \"per_device_train_batch_size\": 8, \"learning_rate\": " + learningRate
                + ", \"save_strategy\": \"no\", \"logging_steps\": 1}, \"export_onnx\": false}";
    }

    private static Map<String, Double> stsInProcess(String model, Path data) {
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model)) {
            EvaluationResult result = StsEvaluator.builder(data).build().evaluate(encoder);
            return result.metrics();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void sigtermStopsTrainingCleanlyAndResumeGoesOn() throws Exception {
        Path config = config(smallConfig("cosent", "2e-5").replace("\"max_steps\": 2", "\"max_steps\": 500")
                .replaceAll("\"eval\": \\{[^}]*\\},", ""));
        String checkpoint;
        try (ChildProcess training = start("train", "--config", config.toString())) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (training.isAlive() && System.nanoTime() < deadline
                    && (!Files.exists(dir.resolve("run/metrics.jsonl")) || Files.readAllLines(dir.resolve("run/metrics.jsonl")).size() < 2)) {
                Thread.sleep(50);
            }
            assertThat(training.isAlive()).as(Files.readString(dir.resolve("err.txt"))).isTrue();
            training.process().destroy(); // SIGTERM, as kill sends; Ctrl-C sends SIGINT, handled the same way
            int code = training.waitFor();
            String out = Files.readString(dir.resolve("out.txt"));
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(code).as(err).isEqualTo(128 + 15);
            assertThat(out).contains("interrupted: run the same command with --resume").contains("report: ");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).as("JVM crash reports").noneMatch(n -> n.startsWith("hs_err"));
        }
        try (var files = Files.list(dir.resolve("run"))) {
            checkpoint = files.map(path -> path.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).findFirst().orElseThrow();
        }
        long step = Long.parseLong(checkpoint.substring("checkpoint-".length()));
        assertThat(dir.resolve("run").resolve(checkpoint).resolve("trainer_state.json")).isRegularFile();
        assertThat(dir.resolve("run/report.html")).as("a stopped run has its report").isRegularFile();

        CliProcess.Result resumed = run("train", "--config", config.toString(), "--resume", "--max-steps", String.valueOf(step + 2));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("Resumed from").contains(checkpoint);

        CliProcess.Result report = run("report", "run");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).startsWith("report: ").contains("report.html");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void trainEvaluateExportAndEncodeWithTheRunFolderAsTheModel() throws Exception {
        Path devSmall = dir.resolve("dev-small.jsonl");
        Files.writeString(devSmall, String.join("\n", Files.readAllLines(SharedData.resolve("sts-b-en/dev.jsonl")).subList(0, 40)) + "\n");
        Path config = config(smallConfig("cosent", "2e-5").replace(SharedData.resolve("sts-b-en/dev.jsonl").toAbsolutePath().toString(),
                devSmall.toString()).replace("\"export_onnx\": false", "\"export_onnx\": true"));
        CliProcess.Result train = run("train", "--config", config.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        Path run = dir.resolve("run");
        Path model = run.resolve("model");
        assertThat(model.resolve("model.safetensors")).isRegularFile();
        assertThat(model.resolve("modules.json")).isRegularFile();
        assertThat(run.resolve("metrics.jsonl")).isRegularFile();

        // the console: progress lines (no carriage returns, no engine warnings) on stderr; table, report, export on stdout
        assertThat(train.err()).doesNotContain("\r");
        assertThat(train.err().lines().toList()).as(train.err()).allMatch(line -> PROGRESS_LINE.matcher(line).matches())
                .anyMatch(line -> line.startsWith("train 2/2 (100%)"));
        List<String> out = train.out().lines().filter(line -> !line.isBlank()).toList();
        assertThat(out).hasSize(5);
        assertThat(out.get(0)).matches("metric +before +after");
        assertThat(out.get(3)).isEqualTo("report: " + run.resolve("report.html") + "; model: " + model);
        assertThat(out.get(4)).startsWith(run.resolve("onnx/model.onnx").toString()).contains("texts checked");

        // the table's numbers are the evaluation of the base model and of the saved model, computed here
        Map<String, Double> base = stsInProcess("all-MiniLM-L6-v2", devSmall);
        Map<String, Double> trained = stsInProcess(model.toString(), devSmall);
        Map<String, double[]> table = new LinkedHashMap<>();
        for (String line : out.subList(1, 3)) {
            Matcher row = TABLE_ROW.matcher(line);
            assertThat(row.matches()).as(line).isTrue();
            table.put(row.group(1), new double[] {Double.parseDouble(row.group(2)), Double.parseDouble(row.group(3))});
        }
        assertThat(table).containsOnlyKeys("spearman", "pearson");
        table.forEach((metric, values) -> {
            assertThat(values[0]).as("%s before", metric).isCloseTo(base.get(metric), within(5.1e-5));
            assertThat(values[1]).as("%s after", metric).isCloseTo(trained.get(metric), within(5.1e-5));
        });

        // the report: its plots decode, and the loss plot holds the logged losses
        String html = Files.readString(run.resolve("report.html"));
        for (String plot : List.of("loss", "learning_rate", "grad_norm", "tokens_per_second")) {
            assertThat(html).contains("report/" + plot + ".png");
            BufferedImage image = ImageIO.read(run.resolve("report").resolve(plot + ".png").toFile());
            assertThat(image.getWidth()).isPositive();
        }
        assertThat(html).contains("<td>spearman</td>").contains("<td>model</td><td>all-MiniLM-L6-v2</td>");

        // evaluate the run folder: the same figure as the saved model evaluated in this JVM
        CliProcess.Result evaluate = run("evaluate", "--model", "run", "--sts", devSmall.toString(), "--output", "metrics.json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        JsonObject metrics = JsonParser.parseString(Files.readString(dir.resolve("metrics.json"))).getAsJsonObject();
        assertThat(metrics.get("spearman").getAsDouble()).isCloseTo(trained.get("spearman"), within(1e-6));
        assertThat(metrics.get("pearson").getAsDouble()).isCloseTo(trained.get("pearson"), within(1e-6));

        CliProcess.Result export = run("export", "--model", "run", "--output", "exported");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(dir.resolve("exported/model.onnx")).isRegularFile();
        assertThat(dir.resolve("exported/tokenizer.json")).isRegularFile();

        Files.writeString(dir.resolve("texts.txt"), "a cat on a mat\nstocks fell sharply\n\nthe weather is nice\n");
        CliProcess.Result pytorch = run("encode", "--model", "run", "--input", "texts.txt", "--output", "vectors.jsonl");
        assertThat(pytorch.exitCode()).as(pytorch.err()).isZero();
        CliProcess.Result onnx = run("encode", "--model", "run", "--backend", "onnx", "--input", "texts.txt", "--output", "vectors-onnx.jsonl");
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

        // evaluate the run folder's export on ONNX Runtime: the figure OnnxEncoder gives in this JVM, and near the PyTorch one
        CliProcess.Result evaluateOnnx = run("evaluate", "--model", "run", "--backend", "onnx", "--sts", devSmall.toString(), "--output",
                "metrics-onnx.json");
        assertThat(evaluateOnnx.exitCode()).as(evaluateOnnx.err()).isZero();
        Map<String, Double> onnxInProcess;
        try (OnnxEncoder encoder = OnnxEncoder.builder(run.resolve("onnx")).build()) {
            onnxInProcess = StsEvaluator.builder(devSmall).build().evaluate(encoder).metrics();
        }
        JsonObject onnxMetrics = JsonParser.parseString(Files.readString(dir.resolve("metrics-onnx.json"))).getAsJsonObject();
        for (String metric : List.of("spearman", "pearson")) {
            assertThat(onnxMetrics.get(metric).getAsDouble()).as(metric).isCloseTo(onnxInProcess.get(metric), within(1e-6))
                    .isCloseTo(trained.get(metric), within(1e-3));
        }

        Path notAModel = Files.createDirectories(dir.resolve("notes"));
        CliProcess.Result neither = run("evaluate", "--model", notAModel.toString(), "--sts", devSmall.toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).startsWith("retrievals: ").contains("is neither a model").contains("nor a training run folder");
        assertThat(neither.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void badConfigurationsExitNonZeroNamingTheProblem() throws Exception {
        CliProcess.Result unknownLoss = run("train", "--config", config(smallConfig("infonse", "2e-5")).toString());
        assertThat(unknownLoss.exitCode()).isEqualTo(2);
        assertThat(unknownLoss.err()).startsWith("retrievals: ").contains("Unknown loss 'infonse'").contains("infonce");

        CliProcess.Result missingData = run("train", "--config", config(smallConfig("cosent", "2e-5")).toString(), "--data", "nowhere.jsonl");
        assertThat(missingData.exitCode()).isEqualTo(2);
        assertThat(missingData.err()).contains("data file nowhere.jsonl does not exist");

        CliProcess.Result unknownColumn = run("train", "--config", config(smallConfig("infonce", "2e-5")).toString());
        assertThat(unknownColumn.exitCode()).isEqualTo(2);
        assertThat(unknownColumn.err()).contains("loss 'infonce' needs inputs").contains("[query, positive]")
                .contains("the data has columns [sentence1, sentence2, score");

        CliProcess.Result negativeRate = run("train", "--config", config(smallConfig("cosent", "-1e-5")).toString());
        assertThat(negativeRate.exitCode()).isEqualTo(2);
        assertThat(negativeRate.err()).contains("Option 'learning_rate' of training arguments is '-1e-5'");

        CliProcess.Result unknownFlag = run("train", "--learning-rat", "1");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.err()).contains("unknown option --learning-rat").contains("did you mean --learning-rate?");
        assertThat(unknownFlag.err().lines().count()).isEqualTo(1);
    }
}
