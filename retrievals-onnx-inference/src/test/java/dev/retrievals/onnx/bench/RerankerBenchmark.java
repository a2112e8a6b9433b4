package dev.retrievals.onnx.bench;

import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.onnx.OnnxReranker;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pairs per second of a reranker on PyTorch ({@link AutoModelForRanking#score}) and on ONNX Runtime
 * ({@link OnnxReranker#score}) over the same (sentence1, sentence2) pairs of Chinese STS-B, measured
 * alternately round by round after a warm-up of each; prints {@code rerank.pytorch_pairs_per_s} and
 * {@code rerank.onnx_pairs_per_s} as the median (min–max) of the rounds, and the median of the
 * per-round ratios. Run:
 *
 * <pre>
 * mvn -q -pl retrievals-onnx-inference -am test-compile exec:java -Dexec.classpathScope=test -Dbench.skip=true \
 *     -Dexec.mainClass=dev.retrievals.onnx.bench.RerankerBenchmark [-Dexec.args="model pairs rounds batchSize"]
 * </pre>
 *
 * Defaults: {@code bge-small-zh-v1.5} with a new head (a trained reranker folder works too), 2,000 pairs, 5 rounds, batch 32.
 */
public final class RerankerBenchmark {
    private RerankerBenchmark() {}

    /** Entry point; arguments: model, pair count, rounds, batch size. */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        String modelId = args.length > 0 ? args[0] : "bge-small-zh-v1.5";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        List<String> queries = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        for (Map<String, Object> row : Dataset.fromJsonl(SharedData.resolve("sts-b-zh/train.jsonl")).take(count)) {
            queries.add((String) row.get("sentence1"));
            documents.add((String) row.get("sentence2"));
        }
        Path folder = Files.createTempDirectory("reranker-benchmark-");
        try (AutoModelForRanking model = AutoModelForRanking.builder(modelId).startHeadIfMissing(true).build()) {
            System.out.println(OnnxRankerExporter.export(model, folder.resolve("model"), ExportOptions.defaults(), false));
            try (OnnxReranker onnx = OnnxReranker.builder(folder.resolve("model")).batchSize(batchSize).build()) {
                List<String> warmQ = queries.subList(0, Math.min(200, queries.size()));
                List<String> warmD = documents.subList(0, warmQ.size());
                model.score(warmQ, warmD);
                onnx.score(warmQ, warmD);
                double[] pytorch = new double[rounds];
                double[] ort = new double[rounds];
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    model.score(queries, documents);
                    pytorch[round] = queries.size() / ((System.nanoTime() - start) / 1e9);
                    start = System.nanoTime();
                    onnx.score(queries, documents);
                    ort[round] = queries.size() / ((System.nanoTime() - start) / 1e9);
                    ratios[round] = ort[round] / pytorch[round];
                    System.out.printf(Locale.ROOT, "round %d: pytorch %.1f pairs/s, onnx %.1f pairs/s%n", round + 1, pytorch[round], ort[round]);
                }
                System.out.printf(Locale.ROOT, "rerank.pytorch_pairs_per_s %s%n", summary(pytorch));
                System.out.printf(Locale.ROOT, "rerank.onnx_pairs_per_s %s%n", summary(ort));
                System.out.printf(Locale.ROOT, "rerank.onnx_over_pytorch %s (per-round ratio)%n", summary(ratios));
                System.out.printf(Locale.ROOT, "(%s, %d pairs of Chinese STS-B, batch %d, %d rounds, %d cores)%n", modelId, queries.size(),
                        batchSize, rounds, Runtime.getRuntime().availableProcessors());
            }
        }
    }

    private static String summary(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }
}
