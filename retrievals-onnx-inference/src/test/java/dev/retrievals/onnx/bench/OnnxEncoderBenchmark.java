package dev.retrievals.onnx.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Sentences per second of {@link OnnxEncoder} and of LangChain4j's {@code OnnxEmbeddingModel} on the
 * same exported model and the same texts (the {@code sentence1}/{@code sentence2} texts of STS-B),
 * measured alternately in one run after a warm-up of each. Prints the median, min and max of the
 * rounds, the ratio of the medians and the median of the per-round ratios (steadier on a shared
 * machine, since the two runs of a round see similar load). Run (-Dbench.skip=true keeps
 * retrievals-pytorch's own benchmark switch off; this module's stays on):
 *
 * <pre>
 * mvn -q -pl retrievals-onnx-inference -am test-compile exec:java -Dexec.classpathScope=test -Dbench.skip=true \
 *     -Dexec.mainClass=dev.retrievals.onnx.bench.OnnxEncoderBenchmark [-Dexec.args="model texts rounds batchSize"]
 * </pre>
 *
 * Defaults: {@code all-MiniLM-L6-v2} (English STS-B; {@code bge-small-zh-v1.5} reads Chinese STS-B), 10,000 texts, 5 rounds, batch 32.
 */
public final class OnnxEncoderBenchmark {
    private OnnxEncoderBenchmark() {}

    /** Entry point; arguments: model id, text count, rounds, batch size. */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        String modelId = args.length > 0 ? args[0] : "all-MiniLM-L6-v2";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        boolean chinese = modelId.startsWith("bge");
        Path data = SharedData.folder();
        List<String> texts = sentences(data.resolve(chinese ? "sts-b-zh/train.jsonl" : "sts-b-en/train.jsonl"), count);
        Path folder = Files.createTempDirectory("onnx-benchmark-");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(modelId)) {
            System.out.println(OnnxExporter.export(model, folder.resolve("model"), ExportOptions.defaults()));
        }
        Path onnx = folder.resolve("model").resolve(OnnxExporter.FILE_NAME);
        Path tokenizer = folder.resolve("model").resolve("tokenizer.json");
        OnnxEmbeddingModel langChain = new OnnxEmbeddingModel(onnx, tokenizer, chinese ? PoolingMode.CLS : PoolingMode.MEAN);
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        try (OnnxEncoder encoder = OnnxEncoder.builder(onnx).batchSize(batchSize).build()) {
            Consumer<List<String>> ours = encoder::encode;
            Runnable theirs = () -> langChain.embedAll(segments);
            encoder.encode(texts.subList(0, 500)); // warm-up
            langChain.embedAll(segments.subList(0, 500));
            double[] ourRates = new double[rounds];
            double[] theirRates = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ourRates[round] = rate(texts.size(), () -> ours.accept(texts));
                theirRates[round] = rate(texts.size(), theirs);
                System.out.printf(Locale.ROOT, "round %d: OnnxEncoder %.1f, LangChain4j %.1f sentences/s%n", round + 1, ourRates[round],
                        theirRates[round]);
            }
            String setting = String.format(Locale.ROOT, "%s | %d texts | %d rounds | %d cores", modelId, texts.size(), rounds,
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| " + setting + " | OnnxEncoder (batch " + batchSize + ") | " + summary(ourRates) + " |");
            System.out.println("| " + setting + " | LangChain4j OnnxEmbeddingModel | " + summary(theirRates) + " |");
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = ourRates[round] / theirRates[round];
            }
            System.out.printf(Locale.ROOT, "OnnxEncoder / LangChain4j: ratio of medians %.2f; median of per-round ratios %.2f (min %.2f, max %.2f)%n",
                    median(ourRates) / median(theirRates), median(ratios), Arrays.stream(ratios).min().orElseThrow(),
                    Arrays.stream(ratios).max().orElseThrow());
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static double rate(int count, Runnable run) {
        long start = System.nanoTime();
        run.run();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String summary(double[] rates) {
        return String.format(Locale.ROOT, "%.1f sentences/s (median; min %.1f, max %.1f)", median(rates),
                Arrays.stream(rates).min().orElseThrow(), Arrays.stream(rates).max().orElseThrow());
    }

    /** The {@code sentence1} and {@code sentence2} texts of an STS JSONL file, up to {@code count}. */
    private static List<String> sentences(Path file, int count) throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                texts.add(row.get("sentence1").getAsString());
                texts.add(row.get("sentence2").getAsString());
                if (texts.size() >= count) {
                    break;
                }
            }
        }
        return texts.subList(0, Math.min(count, texts.size()));
    }
}
