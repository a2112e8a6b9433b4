package dev.retrievals.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.process.LauncherSettings;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user runs: the distribution's {@code bin/retrievals encode} (its own JVM options and
 * environment, from {@code conf/launcher.properties}), on the PyTorch engine and on ONNX Runtime,
 * measured from outside ({@link MeasuredCommand}: wall time including JVM start, peak resident
 * memory, CPU time, page faults). The workload: all-MiniLM-L6-v2 at its default maximum length, the
 * first {@code texts} documents of SciFact's {@code corpus.jsonl} in file order, each
 * {@code title + " " + text} on one line, batch 32. After one untimed run of each, rounds alternate
 * the two engines; the ratio (ONNX wall time ÷ PyTorch wall time) is taken per round. Last, one run
 * with scoping off ({@code -Dretrievals.scoped_forward=false} in {@code RETRIEVALS_JAVA_OPTS}), the
 * forward pass as it was before.
 *
 * <p>Settings: {@code launcher} (the distribution's {@code bin/retrievals}), {@code model}
 * (all-MiniLM-L6-v2), {@code texts} (500), {@code rounds} (3), {@code batch} (32), {@code work}
 * (a folder for the texts, the export and the outputs), {@code out}.
 */
public final class EncodeCommandBenchmark {
    private static final Duration DEADLINE = Duration.ofMinutes(30);

    private EncodeCommandBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) throws IOException {
        BenchArgs settings = BenchArgs.parse("EncodeCommandBenchmark", args)
                .allow("launcher", "model", "texts", "rounds", "batch", "work", "out");
        Path launcher = settings.path("launcher");
        String model = settings.string("model", "all-MiniLM-L6-v2");
        int count = settings.integer("texts", 500);
        int rounds = settings.integer("rounds", 3);
        int batch = settings.integer("batch", 32);
        Path work = Files.createDirectories(settings.path("work"));
        Path texts = writeTexts(work.resolve("scifact-corpus-first-" + count + ".txt"), count);
        Path export = work.resolve("onnx-" + model);
        MeasuredCommand.run(List.of(launcher.toString(), "export", "--model", model, "--output", export.toString()), Map.of(),
                work.resolve("export.log"), DEADLINE);

        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("pytorch", encode(launcher, model, texts, batch, work.resolve("vectors-pytorch.jsonl"), List.of()));
        commands.put("onnx", encode(launcher, export.toString(), texts, batch, work.resolve("vectors-onnx.jsonl"),
                List.of("--backend", "onnx")));
        Map<String, List<MeasuredCommand>> runs = new LinkedHashMap<>();
        commands.forEach((name, command) -> {
            run(command, Map.of(), work, name + "-warm-up", count); // page cache, first-use costs
            runs.put(name, new ArrayList<>());
        });
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, List<String>> command : commands.entrySet()) {
                runs.get(command.getKey()).add(run(command.getValue(), Map.of(), work, command.getKey() + "-" + round, count));
            }
            double ratio = runs.get("onnx").get(round - 1).wallSeconds() / runs.get("pytorch").get(round - 1).wallSeconds();
            ratios.add(ratio);
            System.out.printf(Locale.ROOT, "round %d: PyTorch %s; ONNX %s; ratio %.2f%n", round, runs.get("pytorch").get(round - 1),
                    runs.get("onnx").get(round - 1), ratio);
        }
        String unscopedOptions = String.join(" ", LauncherSettings.load().javaOptions()) + " -D"
                + AutoModelForEmbedding.SCOPED_FORWARD_PROPERTY + "=false";
        MeasuredCommand unscoped = run(commands.get("pytorch"), Map.of("RETRIEVALS_JAVA_OPTS", unscopedOptions), work, "pytorch-unscoped",
                count);

        JsonObject result = new JsonObject();
        result.addProperty("model", model);
        result.addProperty("texts", count);
        result.addProperty("batch", batch);
        result.addProperty("rounds", rounds);
        runs.forEach((name, list) -> result.add(name, summary(list)));
        result.add("ratio_onnx_wall_over_pytorch_wall", Stats.of(ratios).toJson());
        result.add("pytorch_unscoped", unscoped.toJson());
        result.addProperty("unscoped_java_options", unscopedOptions);
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    private static List<String> encode(Path launcher, String model, Path texts, int batch, Path output, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "encode", "--model", model, "--input", texts.toString(),
                "--batch-size", String.valueOf(batch), "--output", output.toString()));
        command.addAll(extra);
        return command;
    }

    /** One measured run; checks that every text got its line. */
    private static MeasuredCommand run(List<String> command, Map<String, String> environment, Path work, String name, int count) {
        MeasuredCommand measured = MeasuredCommand.run(command, environment, work.resolve(name + ".log"), DEADLINE);
        Path output = Path.of(command.get(command.indexOf("--output") + 1));
        try (var lines = Files.lines(output)) {
            long written = lines.count();
            if (written != count) {
                throw new IllegalStateException(name + ": " + output + " has " + written + " lines for " + count + " texts");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return measured;
    }

    /** Each figure's statistics over the runs, and the runs themselves. */
    private static JsonObject summary(List<MeasuredCommand> runs) {
        JsonObject json = new JsonObject();
        json.add("wall_s", Stats.of(runs.stream().mapToDouble(MeasuredCommand::wallSeconds).toArray()).toJson());
        json.add("peak_rss_mb", Stats.of(runs.stream().mapToDouble(MeasuredCommand::peakRssMb).toArray()).toJson());
        json.add("user_s", Stats.of(runs.stream().mapToDouble(MeasuredCommand::userSeconds).toArray()).toJson());
        json.add("sys_s", Stats.of(runs.stream().mapToDouble(MeasuredCommand::systemSeconds).toArray()).toJson());
        json.add("minor_faults", Stats.of(runs.stream().mapToDouble(r -> (double) r.minorFaults()).toArray()).toJson());
        JsonArray each = new JsonArray();
        runs.forEach(run -> each.add(run.toJson()));
        json.add("runs", each);
        return json;
    }

    /** The first {@code count} SciFact documents, {@code title + " " + text} (line breaks as spaces), one a line. */
    private static Path writeTexts(Path file, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(BenchData.file(BenchData.SCIFACT_CORPUS), StandardCharsets.UTF_8)) {
            for (String line; lines.size() < count && (line = reader.readLine()) != null; ) {
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                lines.add((row.get("title").getAsString() + " " + row.get("text").getAsString()).replaceAll("[\\r\\n]+", " "));
            }
        }
        if (lines.size() < count) {
            throw new IllegalStateException(BenchData.SCIFACT_CORPUS + " has only " + lines.size() + " documents; " + count + " asked for");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
