package dev.retrievals.bench;

import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Section 10 of {@code docs/benchmarks.md}: a reranker's pairs per second on the PyTorch engine and
 * on ONNX Runtime ({@link RerankBenchmark}); its headline figures go under {@code rerank} in
 * {@code benchmarks.json}.
 */
final class RerankSection {
    /** The result name of the benchmark. */
    static final String NAME = "rerank";

    private final JsonObject result;

    RerankSection(JsonObject result) {
        this.result = result;
    }

    /** The section's headline rows (figure, median with range, target column empty) for the table at the top of the page. */
    void headlineRows(Consumer<String> line) {
        if (result != null) {
            line.accept(SectionText.headlineRow("rerank.pytorch_pairs_per_s", stats("pytorch_pairs_per_s").format("%.1f")));
            line.accept(SectionText.headlineRow("rerank.onnx_pairs_per_s", stats("onnx_pairs_per_s").format("%.1f")));
            line.accept(SectionText.headlineRow("rerank.ratio_onnx_over_pytorch", stats("ratio_onnx_over_pytorch").format("%.2f")));
        }
    }

    /**
     * Writes the section and fills {@code headline} (the {@code rerank} object) and {@code stats};
     * {@code runLine} writes the line naming the run the figures come from.
     */
    void write(Consumer<String> line, Runnable runLine, JsonObject headline, JsonObject stats) {
        line.accept("## 10. Rerankers: PyTorch engine and ONNX Runtime");
        line.accept("");
        runLine.run();
        if (result == null) {
            line.accept("Failed; see *Failed runs*.");
            line.accept("");
            return;
        }
        line.accept(String.format(Locale.ROOT, "`RerankBenchmark`: the cross-encoder %s (a new classification head on the bundled model),"
                + " exported to ONNX; the same %,d (sentence1, sentence2) pairs of Chinese STS-B scored by `AutoModelForRanking.score`"
                + " (PyTorch engine) and by `OnnxReranker.score` (ONNX Runtime, length-sorted batches of %d), alternated round by round"
                + " after a warm-up of each, %d rounds. Largest difference between the two engines' logits on the warm-up pairs: %.1e."
                + " Load average before %s, after %s.", result.get("model").getAsString(), result.get("pairs").getAsInt(),
                result.get("batch").getAsInt(), stats("pytorch_pairs_per_s").count(), result.get("max_abs_score_difference").getAsDouble(),
                SectionText.oneMinuteLoad(result, "load_average_before"), SectionText.oneMinuteLoad(result, "load_average_after")));
        line.accept("");
        line.accept("| figure | value |");
        line.accept("|---|---|");
        line.accept("| PyTorch engine, pairs/s | **" + put(stats, headline, "pytorch_pairs_per_s").format("%.1f") + "** |");
        line.accept("| ONNX Runtime, pairs/s | **" + put(stats, headline, "onnx_pairs_per_s").format("%.1f") + "** |");
        line.accept("| ONNX Runtime ÷ PyTorch, per round | **" + put(stats, headline, "ratio_onnx_over_pytorch").format("%.2f") + "** |");
        line.accept("");
        line.accept("**What limits it.** A reranker runs the whole transformer once per (query, document) pair, so its cost is the"
                + " encoder's per text with both texts in one sequence; ONNX Runtime's fused attention and its length-sorted batches"
                + " (less padding) are what it gains over the PyTorch engine. **Speed figures were taken on the shared machine.**");
        line.accept("");
    }

    private Stats stats(String key) {
        return Stats.fromJson(result.getAsJsonObject(key));
    }

    /** Records {@code result[key]} as headline figure {@code rerank.key}: its median, and its statistics under {@code stats}. */
    private Stats put(JsonObject stats, JsonObject headline, String key) {
        Stats value = stats(key);
        headline.addProperty(key, value.median());
        stats.add("rerank." + key, value.toJson());
        return value;
    }
}
