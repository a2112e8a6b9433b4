package dev.retrievals.pytorch.bench;

import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.EncodeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Sentences per second of {@link AutoModelForEmbedding#encode} (PyTorch engine, evaluation mode)
 * for both bundled models on 2,000 real texts: bge-small-zh-v1.5 on Chinese STS-B, all-MiniLM-L6-v2
 * on English STS-B. Prints the median, min and max of several rounds. Run:
 *
 * <pre>
 * mvn -q -pl retrievals-pytorch -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.retrievals.pytorch.bench.EncodeBenchmark [-Dexec.args="rounds batchSize"]
 * </pre>
 */
public final class EncodeBenchmark {
    private EncodeBenchmark() {}

    /** Entry point; arguments: rounds (default 3), batch size (default 32). */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path data = SharedData.folder();
        run("bge-small-zh-v1.5", sentences(data.resolve("sts-b-zh/train.jsonl"), 2000), rounds, batchSize);
        run("all-MiniLM-L6-v2", sentences(data.resolve("sts-b-en/train.jsonl"), 2000), rounds, batchSize);
    }

    private static void run(String model, List<String> texts, int rounds, int batchSize) {
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model)) {
            EncodeOptions options = EncodeOptions.defaults().withBatchSize(batchSize);
            encoder.encode(texts.subList(0, 200), options); // warm-up
            double[] rates = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                encoder.encode(texts, options);
                rates[round] = texts.size() / ((System.nanoTime() - start) / 1e9);
            }
            Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "| %s | %d texts | batch %d | %.1f sentences/s (median of %d; min %.1f, max %.1f) |%n",
                    model, texts.size(), batchSize, rates[rounds / 2], rounds, rates[0], rates[rounds - 1]);
        }
    }

    /** The {@code sentence1} and {@code sentence2} texts of an STS JSONL file, up to {@code count}. */
    static List<String> sentences(Path file, int count) throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                var row = JsonParser.parseString(line).getAsJsonObject();
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
