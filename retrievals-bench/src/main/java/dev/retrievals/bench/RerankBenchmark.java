package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.onnx.OnnxReranker;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pairs per second of a reranker on the PyTorch engine ({@link AutoModelForRanking#score}) and on
 * ONNX Runtime ({@link OnnxReranker#score}) over the same (sentence1, sentence2) pairs of Chinese
 * STS-B, alternated round by round in one process after a warm-up of each; also the largest
 * difference between the two engines' scores.
 *
 * <p>Settings: {@code model} (bge-small-zh-v1.5, which gets a new head; a trained reranker folder
 * works too), {@code pairs} (1000), {@code rounds} (5), {@code batch} (32), {@code out}.
 */
public final class RerankBenchmark {
    private static final int WARM_UP_PAIRS = 100;

    private RerankBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("RerankBenchmark", args).allow("model", "pairs", "rounds", "batch", "out");
        String id = settings.string("model", "bge-small-zh-v1.5");
        int count = settings.integer("pairs", 1000);
        int rounds = settings.integer("rounds", 5);
        int batchSize = settings.integer("batch", 32);
        List<String> queries = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        for (Map<String, Object> row : Dataset.fromJsonl(BenchData.file(BenchData.STS_B_ZH_TRAIN)).take(count)) {
            queries.add((String) row.get("sentence1"));
            documents.add((String) row.get("sentence2"));
        }
        Path folder = StsTrainingRun.temporaryFolder();
        JsonObject result = new JsonObject();
        result.addProperty("load_average_before", Machine.describe().get("load_average").getAsString());
        try (AutoModelForRanking model = AutoModelForRanking.builder(id).startHeadIfMissing(true).seed(42).build()) {
            OnnxRankerExporter.export(model, folder.resolve("reranker"), ExportOptions.defaults(), false);
            try (OnnxReranker onnx = OnnxReranker.builder(folder.resolve("reranker")).batchSize(batchSize).build()) {
                int warm = Math.min(WARM_UP_PAIRS, queries.size());
                float[] pytorchScores = model.score(queries.subList(0, warm), documents.subList(0, warm));
                float[] onnxScores = onnx.score(queries.subList(0, warm), documents.subList(0, warm));
                double largest = 0;
                for (int i = 0; i < warm; i++) {
                    largest = Math.max(largest, Math.abs(pytorchScores[i] - onnxScores[i]));
                }
                List<Double> pytorch = new ArrayList<>();
                List<Double> ort = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    model.score(queries, documents);
                    pytorch.add(queries.size() / ((System.nanoTime() - start) / 1e9));
                    start = System.nanoTime();
                    onnx.score(queries, documents);
                    ort.add(queries.size() / ((System.nanoTime() - start) / 1e9));
                    ratios.add(ort.get(round) / pytorch.get(round));
                    System.out.printf(Locale.ROOT, "round %d: pytorch %.1f pairs/s, onnx %.1f pairs/s%n", round + 1, pytorch.get(round),
                            ort.get(round));
                }
                result.add("pytorch_pairs_per_s", Stats.of(pytorch).toJson());
                result.add("onnx_pairs_per_s", Stats.of(ort).toJson());
                result.add("ratio_onnx_over_pytorch", Stats.of(ratios).toJson());
                result.addProperty("max_abs_score_difference", largest);
            }
        }
        result.addProperty("model", id);
        result.addProperty("pairs", queries.size());
        result.addProperty("batch", batchSize);
        result.add("engine_threads", Machine.engineThreads());
        result.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        JsonFiles.write(settings.path("out"), result);
    }
}
