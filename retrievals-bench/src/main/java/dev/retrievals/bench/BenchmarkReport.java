package dev.retrievals.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the benchmark results into the page {@code docs/benchmarks.md} (tables, what limits each
 * figure, before/after of the performance fixes) and {@code docs/benchmarks.json} (the headline
 * figures as medians, each with its median/min/max under {@code stats}, and the raw results).
 */
final class BenchmarkReport {
    private static final int[] MEMORY_BATCHES = {32, 128, 512};

    private final JsonObject machine;
    private final Map<String, JsonObject> results;
    private final List<String> failures;
    private final int memoryRepeats;
    private final StringBuilder page = new StringBuilder();
    private final JsonObject headline = new JsonObject();
    private final JsonObject stats = new JsonObject();

    BenchmarkReport(JsonObject machine, Map<String, JsonObject> results, List<String> failures, int memoryRepeats) {
        this.machine = machine;
        this.results = results;
        this.failures = failures;
        this.memoryRepeats = memoryRepeats;
    }

    /** Writes the Markdown page and the JSON file. */
    void write(Path markdown, Path json) {
        header();
        training();
        padding();
        inference();
        int8Inference();
        memory();
        startup();
        memoryGrowth();
        encodeCommand();
        gradientCache();
        mining().write(this::line, () -> runLine(MiningSection.SCIFACT, MiningSection.MILLION), headline("mining"), stats);
        rerank().write(this::line, () -> runLine(RerankSection.NAME), headline("rerank"), stats);
        fixes();
        JsonObject root = new JsonObject();
        root.addProperty("generated_by", "bench/run");
        root.add("machine", machine);
        headline.entrySet().forEach(entry -> root.add(entry.getKey(), entry.getValue()));
        root.add("stats", stats);
        JsonObject details = new JsonObject();
        results.forEach(details::add);
        root.add("details", details);
        root.add("failures", new com.google.gson.Gson().toJsonTree(failures));
        JsonFiles.write(json, root);
        try {
            Files.createDirectories(markdown.toAbsolutePath().getParent());
            Files.writeString(markdown, page.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + markdown, e);
        }
        System.out.println(page);
    }

    private void header() {
        line("# Benchmarks");
        line("");
        line("Written by `bench/run` (the one command: it builds what it needs, runs every benchmark in a fresh JVM and writes this"
                + " page and `docs/benchmarks.json`). Every figure is the **median (min–max)** of the rounds named beside it.");
        line("");
        line("| machine | |");
        line("|---|---|");
        for (String key : List.of("command", "cpu", "cores", "memory_total", "os", "jvm", "started", "minutes", "load_average", "load_average_after")) {
            if (machine.has(key)) {
                line("| " + key.replace('_', ' ') + " | " + machine.get(key).getAsString() + " |");
            }
        }
        if (machine.has("partial_runs")) {
            for (com.google.gson.JsonElement element : machine.getAsJsonArray("partial_runs")) {
                JsonObject run = element.getAsJsonObject();
                line("");
                String load = run.get("load_average").getAsString().equals("?") ? ""
                        : "; load average " + run.get("load_average").getAsString().split(" ")[0] + " at the start, "
                                + run.get("load_average_after").getAsString().split(" ")[0] + " at the end";
                line(String.format(Locale.ROOT, "Results %s were measured later by `%s`, started %s (%.1f minutes%s%s); all other sections"
                        + " are from the run in the table above.", run.get("benchmarks").toString().replace("\"", "`").replace(",", ", "),
                        run.get("command").getAsString(), run.get("started").getAsString(), run.get("minutes").getAsDouble(), load,
                        run.has("note") ? "; " + run.get("note").getAsString() : ""));
            }
        }
        line("");
        line("**The machine was shared**: other developers' builds and tests ran on the same " + machine.get("cores").getAsString()
                + " cores at the same time (see the load averages above), so absolute figures are noisy and low. Comparisons are"
                + " therefore made inside one process and alternately (matmul rate between training steps, the three encoders round"
                + " by round, the two paddings round by round), and ratios are the figures to read.");
        JsonObject earlier = machine.has("earlier_run") ? machine.getAsJsonObject("earlier_run") : null;
        if (earlier != null) {
            line("");
            line("This run measured only what its command names; the other figures are kept from the earlier run `"
                    + earlier.get("command").getAsString() + "`, started " + earlier.get("started").getAsString() + " on the same machine"
                    + (earlier.has("load_average") ? " (load average " + earlier.get("load_average").getAsString() + ")" : "")
                    + ". Each section names the run and the settings its figures come from.");
        }
        line("");
        line("Main figures run with the settings of the `retrievals` command (`conf/launcher.properties` of the distribution,"
                + " `launcher.properties` in retrievals-core, which `bin/retrievals` and `bench/run` both read): JVM `"
                + String.join(" ", BenchmarkRunner.FLAGS) + "`; environment for training " + environment(BenchmarkRunner.TRAINING)
                + ", for inference (encode, evaluate, export) " + environment(BenchmarkRunner.INFERENCE) + ".");
        if (!failures.isEmpty()) {
            line("");
            line("**Failed runs** (their figures are missing): " + String.join(", ", failures));
        }
        line("");
        line("## Headline figures and targets");
        line("");
        line("| figure | median (min–max) | target | met |");
        line("|---|---|---|---|");
        headlineRow("training.matmul_ratio", result("train_minilm"), "matmul_ratio", "%.2f", "≥ 0.60", 0.60);
        headlineRow("training.matmul_ratio_scoped_over_unscoped", result("train_minilm"), "matmul_ratio_scoped_over_unscoped", "%.2f",
                "≥ 0.95", 0.95);
        headlineRow("training.tokens_per_s", result("train_minilm"), "tokens_per_s", "%.0f", "", Double.NaN);
        headlineRow("padding.effective_speedup", result("padding"), "effective_speedup", "%.2f", "≥ 3", 3.0);
        headlineRow("inference.ratio_vs_langchain4j", result("inference"), "ratio_onnx_encoder_vs_langchain4j", "%.2f", "≥ 2", 2.0);
        headlineRow("inference.sentences_per_s", result("inference"), "sentences_per_s_onnx_encoder", "%.0f", "", Double.NaN);
        JsonObject int8 = result("inference_int8");
        headlineRow("inference.int8_ratio_vs_fp32", int8, "int8_ratio_vs_fp32", "%.2f", "", Double.NaN);
        headlineRow("inference.int8_ratio_vs_langchain4j_q", int8, "int8_ratio_vs_langchain4j_q", "%.2f", "≥ 1", 1.0);
        double theirLoss = int8 != null && int8.has("langchain4j_q_spearman_delta") ? int8.get("langchain4j_q_spearman_delta").getAsDouble()
                : Double.NaN;
        headlineRow("inference.int8_spearman_delta", single(int8, "int8_spearman_delta"), "int8_spearman_delta", "%+.4f",
                String.format(Locale.ROOT, "≥ LangChain4j-q's %+.4f", theirLoss), theirLoss);
        headlineRow("inference.pytorch_ratio_vs_onnx", result("encode_command"), "ratio_onnx_wall_over_pytorch_wall", "%.2f", "≥ 0.8", 0.8);
        headlineAtMost("memory.encode_peak_rss_mb", encodePeak(), "peak_rss_mb", "%.0f", "≤ 1500", 1500);
        headlineAtMost("memory.peak_rss_mb_batch32", memoryResult(32), "peak_rss_mb", "%.0f", "≤ 1200", 1200);
        headlineAtMost("memory.peak_rss_mb_batch128", memoryResult(128), "peak_rss_mb", "%.0f", "≤ 3500", 3500);
        headlineAtMost("memory.checkpointed_peak_rss_mb_batch32", single(result("memory_checkpointed_batch32"), "peak_rss_mb"),
                "peak_rss_mb", "%.0f", "≤ 1200 (gradient_checkpointing)", 1200);
        headlineAtMost("memory.checkpointed_peak_rss_mb_batch128", single(result("memory_checkpointed_batch128"), "peak_rss_mb"),
                "peak_rss_mb", "%.0f", "≤ 3500 (gradient_checkpointing)", 3500);
        headlineRow("training.checkpointed_step_ratio_batch128", checkpointedStepRatio(128), "step_ratio", "%.2f", "", Double.NaN);
        headlineRow("memory.gradcache_peak_rss_mb_batch512", single(result("memory_gradcache_batch512"), "peak_rss_mb"), "peak_rss_mb",
                "%.0f", "", Double.NaN);
        headlineRow("startup.seconds_to_first_step", memoryResult(32), "seconds_to_first_step", "%.1f", "", Double.NaN);
        mining().headlineRows(this::line);
        rerank().headlineRows(this::line);
        line("");
    }

    /** A one-run figure as statistics of one value ({@code {key: {median, min, max, n}}}), or null. */
    private static JsonObject single(JsonObject result, String key) {
        if (result == null || !result.has(key)) {
            return null;
        }
        JsonObject json = new JsonObject();
        json.add(key, Stats.of(result.get(key).getAsDouble()).toJson());
        return json;
    }

    /** The PyTorch engine's figures of the encode command, for the headline rows. */
    private JsonObject encodePeak() {
        JsonObject r = result("encode_command");
        return r == null ? null : r.getAsJsonObject("pytorch");
    }

    /** {@code `A=1 B=2`}, or "(glibc's defaults)" for none. */
    private static String environment(Map<String, String> environment) {
        return environment.isEmpty() ? "(glibc's defaults)" : "`" + environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + " " + b).orElse("") + "`";
    }

    /**
     * Settings of the results written before runs recorded their own (bench/run of 2026-11-27): the JVM flags and
     * environment each named run had then.
     */
    private static String earlierSettings(String name) {
        String tunedFlags = "-Xmx4g -Dai.djl.pytorch.num_interop_threads=1";
        String tunedEnvironment = "MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=536870912";
        if (name.equals("train_minilm_default_malloc") || name.equals("memory_growth") || name.equals("memory_growth_gc")) {
            return "JVM `" + tunedFlags + "`, environment (glibc's defaults)";
        }
        if (name.equals("memory_growth_lean")) {
            return "JVM `" + tunedFlags + "`, environment `MALLOC_MMAP_THRESHOLD_=1048576`";
        }
        if (name.equals("train_minilm_default_interop")) {
            return "JVM `-Xmx4g`, environment `" + tunedEnvironment + "`";
        }
        return "JVM `" + tunedFlags + "`, environment `" + tunedEnvironment + "`";
    }

    /** One line naming the runs a section's figures come from and their settings (results not run are skipped). */
    private void runLine(String... names) {
        Map<String, List<String>> byDescription = new java.util.LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            JsonObject r = result(name);
            if (r == null) {
                continue;
            }
            String description;
            if (r.has("run")) {
                JsonObject run = r.getAsJsonObject("run");
                String environment = run.get("environment").getAsString();
                description = "`" + run.get("command").getAsString() + "`, started " + run.get("started").getAsString() + "; JVM `"
                        + run.get("jvm_flags").getAsString() + "`, environment " + (environment.isEmpty() ? "(glibc's defaults)"
                        : "`" + environment + "`");
            } else {
                description = "the earlier full run; " + earlierSettings(name);
            }
            byDescription.computeIfAbsent(description, d -> new ArrayList<>()).add("`" + name + "`");
        }
        if (byDescription.size() == 1) {
            line("*Run: " + byDescription.keySet().iterator().next() + ".*");
            line("");
        } else if (byDescription.size() > 1) {
            byDescription.forEach((description, runs) -> parts.add(String.join(", ", runs) + ": " + description));
            line("*Runs: " + String.join("; ", parts) + ".*");
            line("");
        }
    }

    private void training() {
        line("## 1. Training step (forward, backward, clipping, AdamW) against the engine's matmul rate");
        line("");
        line("Random token ids, every position a real token (no padding), InfoNCE on the two halves of the batch, gradient clipping"
                + " at 1.0, AdamW (learning rate 2e-5, no weight decay: the trainer's default). Model FLOPs per step = 6 × non-embedding parameters × tokens + 12 × layers ×"
                + " hidden × sequence × tokens (attention). The matmul rate is an fp32 `[tokens, hidden] × [hidden, intermediate]`"
                + " product (the model's own feed-forward shape) measured in the same process before every step; the ratio is taken"
                + " per round.");
        line("");
        line("| model | batch × tokens | non-embedding params | step s | tokens/s | model GFLOP/s | matmul GFLOP/s (same process) | ratio |");
        line("|---|---|---|---|---|---|---|---|");
        for (String name : List.of("train_minilm", "train_bge")) {
            JsonObject r = result(name);
            if (r == null) {
                line("| " + name + " | failed | | | | | | |");
                continue;
            }
            line(String.format(Locale.ROOT, "| %s | %d × %d | %.1f M | %s | %s | %s | %s | **%s** |", r.get("model").getAsString(),
                    r.get("batch").getAsInt(), r.get("length").getAsInt(), r.get("non_embedding_parameters").getAsLong() / 1e6,
                    stat(r, "step_seconds").format("%.2f"), stat(r, "tokens_per_s").format("%.0f"),
                    stat(r, "model_flops_per_s").times(1e-9).format("%.1f"), stat(r, "matmul_flops_per_s").times(1e-9).format("%.1f"),
                    stat(r, "matmul_ratio").format("%.2f")));
        }
        put("training.matmul_ratio_bge", result("train_bge"), "matmul_ratio");
        line("");
        runLine("train_minilm", "train_bge");
        scopingRows();
        line("Where a step's time goes (seconds, same runs):");
        line("");
        line("| model | forward + backward | clipping | AdamW | one small native call |");
        line("|---|---|---|---|---|");
        for (String name : List.of("train_minilm", "train_bge")) {
            JsonObject r = result(name);
            if (r != null) {
                line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s µs |", r.get("model").getAsString(),
                        stat(r, "forward_backward_seconds").format("%.2f"), stat(r, "clip_seconds_fused").format("%.3f"),
                        stat(r, "adam_seconds_fused").format("%.3f"), stat(r, "native_call_microseconds").format("%.1f")));
            }
        }
        line("");
        JsonObject r = result("train_minilm");
        if (r != null) {
            double step = stat(r, "step_seconds").median();
            line(String.format(Locale.ROOT, "**What limits it.** Forward and backward take %s %% of the step; the optimizer (clipping +"
                    + " AdamW over %.1f M parameters, half of them the embedding table) the rest. Inside forward/backward, the"
                    + " large linear layers run near the matmul rate, but the attention products are many small batched matmuls"
                    + " (head size %d, %d × %d per head) and layer norm, GELU, softmax, dropout, the residual adds and their"
                    + " backward passes are memory-bound element-wise kernels that do no counted FLOPs; every op is one eager"
                    + " native call (%.1f µs each on a 1-element array, small next to a %.1f s step, so JNI overhead is not the"
                    + " limit). On %d shared cores the engine runs %s intra-op threads; any other process on the machine takes"
                    + " cores from the step and from the matmul reference unevenly, which is the spread between min and max.",
                    stat(r, "forward_backward_share").times(100).format("%.0f"), r.get("parameters").getAsLong() / 1e6, r.get("hidden").getAsInt() / r.get("heads").getAsInt(),
                    r.get("length").getAsInt(), r.get("length").getAsInt(), stat(r, "native_call_microseconds").median(), step,
                    machine.get("cores").getAsInt(), r.getAsJsonObject("engine_threads").get("intra_op").getAsString()));
            line("");
        }
    }

    /** Scoped forward passes against the forward pass before them, from rounds of the same processes. */
    private void scopingRows() {
        List<JsonObject> measured = new ArrayList<>();
        for (String name : List.of("train_minilm", "train_bge")) {
            JsonObject r = result(name);
            if (r != null && r.has("matmul_ratio_unscoped")) {
                measured.add(r);
            }
        }
        if (measured.isEmpty()) {
            return;
        }
        line("Scoped forward passes (each layer's intermediates released when the layer is done) against the forward pass"
                + " before them, in the same processes: the rounds cycle through scoped, unscoped and the element-wise optimizer;"
                + " the last column is each scoped round's ratio over the unscoped round right after it.");
        line("");
        line("| model | step s, scoped | step s, before | ratio, scoped | ratio, before | scoped ÷ before |");
        line("|---|---|---|---|---|---|");
        for (JsonObject r : measured) {
            line("| " + r.get("model").getAsString() + " | " + stat(r, "step_seconds").format("%.2f") + " | "
                    + stat(r, "step_seconds_unscoped").format("%.2f") + " | " + stat(r, "matmul_ratio").format("%.2f") + " | "
                    + stat(r, "matmul_ratio_unscoped").format("%.2f") + " | **" + stat(r, "matmul_ratio_scoped_over_unscoped").format("%.2f")
                    + "** |");
        }
        line("");
    }

    private void padding() {
        line("## 2. Effective training throughput with real lengths (Chinese STS-B)");
        line("");
        JsonObject r = result("padding");
        if (r == null) {
            line("Failed; see *Failed runs*.");
            line("");
            return;
        }
        runLine("padding");
        line(String.format(Locale.ROOT, "`RetrievalTrainer`, CoSENT, %s, batch %d pairs (each pair = 2 × %d texts), `%s`, %d steps per"
                + " round, the two batchings alternated round by round with a new data-order seed each round. Throughput counts real"
                + " (unpadded) tokens only; the padding share is counted over one whole epoch.", r.get("model").getAsString(),
                r.get("batch").getAsInt(), r.get("batch").getAsInt(), BenchData.STS_B_ZH_TRAIN, r.get("steps_per_round").getAsInt()));
        line("");
        line("| batching | padding share (epoch) | real tokens/s |");
        line("|---|---|---|");
        line(String.format(Locale.ROOT, "| dynamic padding, length-grouped batches | %.1f %% | %s |", 100 * r.get("padding_share_dynamic").getAsDouble(),
                stat(r, "real_tokens_per_s_dynamic").format("%.0f")));
        line(String.format(Locale.ROOT, "| fixed padding to 128, random batches | %.1f %% | %s |", 100 * r.get("padding_share_fixed").getAsDouble(),
                stat(r, "real_tokens_per_s_fixed").format("%.0f")));
        line(String.format(Locale.ROOT, "| **speedup** (per round) | | **%s ×** |", stat(r, "effective_speedup").format("%.2f")));
        line("");
        line(String.format(Locale.ROOT, "**What limits it.** Fixed padding spends %.0f %% of every batch on padding (and attention cost grows"
                + " with the square of the padded length); length grouping leaves %.1f %%. With short real sequences the per-step"
                + " costs that do not depend on tokens (the AdamW update and clipping over all parameters, tokenization, one native"
                + " call per op) become a large part of a dynamic-padding step, which caps the speedup below the padding ratio"
                + " (%.1f ×). On a machine with more runnable threads than cores, libtorch's OpenMP intra-op threads wait at a"
                + " barrier for a descheduled peer at every parallel op; short-sequence steps are many small ops and suffer far"
                + " more than fixed-128 steps, which is why the speedup falls when the machine is busy (see the intra-op thread"
                + " row under *Fixes*).", 100 * r.get("padding_share_fixed").getAsDouble(), 100 * r.get("padding_share_dynamic").getAsDouble(),
                (1 - r.get("padding_share_dynamic").getAsDouble()) / (1 - r.get("padding_share_fixed").getAsDouble())));
        line("");
    }

    /** The section's title, and its result with the line naming its run; null (and a line saying so) when it failed. */
    private JsonObject section(String title, String name) {
        line(title);
        line("");
        JsonObject r = result(name);
        if (r == null) {
            line("Failed or not run; see *Failed runs*.");
            line("");
            return null;
        }
        runLine(name);
        return r;
    }

    private void inference() {
        JsonObject r = section("## 3. Inference: OnnxEncoder, PyTorch-engine encode, LangChain4j OnnxEmbeddingModel", "inference");
        if (r == null) {
            return;
        }
        line(String.format(Locale.ROOT, "%s exported once by `OnnxExporter`; the same ONNX file and `tokenizer.json` feed `OnnxEncoder` (batch %d)"
                + " and LangChain4j's `OnnxEmbeddingModel`; `AutoModelForEmbedding.encode` runs the same weights on the PyTorch engine."
                + " The same %d English STS-B sentences for the two ONNX encoders (the PyTorch engine, several times slower,"
                + " encodes the first %d of them, to keep the run short), the three alternated within each round.",
                r.get("model").getAsString(), r.get("batch").getAsInt(), r.get("texts").getAsInt(), r.get("pytorch_texts").getAsInt()));
        line("");
        line("| encoder | sentences/s | ÷ LangChain4j (per round) |");
        line("|---|---|---|");
        line("| `OnnxEncoder` | " + stat(r, "sentences_per_s_onnx_encoder").format("%.0f") + " | **"
                + stat(r, "ratio_onnx_encoder_vs_langchain4j").format("%.2f") + "** |");
        line("| `AutoModelForEmbedding.encode` (PyTorch) | " + stat(r, "sentences_per_s_pytorch_encode").format("%.0f") + " | "
                + stat(r, "ratio_pytorch_encode_vs_langchain4j").format("%.2f") + " |");
        line("| LangChain4j `OnnxEmbeddingModel` | " + stat(r, "sentences_per_s_langchain4j").format("%.0f") + " | 1 |");
        line("");
        line(String.format(Locale.ROOT, "Same vectors: the largest element difference of L2-normalised vectors on the first texts is %.1e between"
                + " `OnnxEncoder` and LangChain4j, %.1e between `OnnxEncoder` and the PyTorch engine.",
                r.get("max_abs_difference_onnx_encoder_vs_langchain4j").getAsDouble(),
                r.get("max_abs_difference_onnx_encoder_vs_pytorch").getAsDouble()));
        put("inference.ratio_pytorch_vs_langchain4j", r, "ratio_pytorch_encode_vs_langchain4j");
        headline("inference").addProperty("max_abs_difference_vs_langchain4j", r.get("max_abs_difference_onnx_encoder_vs_langchain4j").getAsDouble());
        line("");
        line("**What limits it.** Both ONNX paths run the same graph in ONNX Runtime, so the difference is around the graph:"
                + " `OnnxEncoder` tokenizes a chunk at once, sorts texts by length so each batch pads only to its own longest text,"
                + " and runs one session call per batch of 32, with pooling and normalisation inside the graph; the remaining cost is"
                + " the transformer itself on the available cores. The PyTorch engine runs the model op by op (eager), without"
                + " ONNX Runtime's graph fusions (attention, GELU, layer norm), and is the slowest of the three.");
        line("");
    }

    private void int8Inference() {
        JsonObject r = section("## 3b. Int8 serving: OnnxEncoder int8 and fp32, LangChain4j all-minilm-l6-v2-q and fp32", "inference_int8");
        if (r == null) {
            return;
        }
        line(String.format(Locale.ROOT, "all-MiniLM-L6-v2 exported by `OnnxExporter` as fp32 and as int8 (`--quantize int8`: MatMul weights"
                + " per output channel, activations quantized at run time), served by `OnnxEncoder` (batch %d); LangChain4j's own"
                + " `AllMiniLmL6V2QuantizedEmbeddingModel` (%s) and `AllMiniLmL6V2EmbeddingModel`. The same %d English STS-B sentences"
                + " for each, alternated within each round; Spearman of each on sts-b-en/dev (%d pairs, cosine against the gold score).",
                r.get("batch").getAsInt(), r.get("langchain4j_q_quantization").getAsString(), r.get("texts").getAsInt(),
                r.get("sts_pairs").getAsInt()));
        line("");
        line("| encoder | sentences/s | file MB | Spearman sts-b-en/dev |");
        line("|---|---|---|---|");
        JsonObject sizes = r.getAsJsonObject("file_bytes");
        JsonObject spearman = r.getAsJsonObject("spearman_sts_b_en_dev");
        Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("onnx_encoder_fp32", "`OnnxEncoder` fp32");
        names.put("onnx_encoder_int8", "`OnnxEncoder` int8 (the default: activations mixed, per tensor, per row or float32 chosen per MatMul"
                + " against the gate)");
        names.put("onnx_encoder_int8_per_row", "`OnnxEncoder` int8 (activations per row, MatMulInteger)");
        names.put("onnx_encoder_int8_per_tensor", "`OnnxEncoder` int8 (activations per tensor, DynamicQuantizeLinear + MatMulInteger)");
        names.put("onnx_encoder_int8_dynamic_quantize_matmul", "`OnnxEncoder` int8 (com.microsoft:DynamicQuantizeMatMul)");
        names.put("langchain4j_q", "LangChain4j all-minilm-l6-v2-q");
        names.put("langchain4j_fp32", "LangChain4j all-minilm-l6-v2");
        names.forEach((key, name) -> {
            if (r.has("sentences_per_s_" + key)) {
                line(String.format(Locale.ROOT, "| %s | %s | %.1f | %.4f |", name, stat(r, "sentences_per_s_" + key).format("%.0f"),
                        sizes.get(key).getAsLong() / 1e6, spearman.get(key).getAsDouble()));
            }
        });
        line("");
        line(String.format(Locale.ROOT, "Int8 ÷ fp32 (per round): %s; int8 ÷ LangChain4j-q: %s; Spearman int8 − fp32: %+.4f (LangChain4j-q −"
                + " LangChain4j: %+.4f).", stat(r, "int8_ratio_vs_fp32").format("%.2f"), stat(r, "int8_ratio_vs_langchain4j_q").format("%.2f"),
                r.get("int8_spearman_delta").getAsDouble(), r.get("langchain4j_q_spearman_delta").getAsDouble()));
        if (r.has("int8_ratio_vs_per_tensor")) {
            line(String.format(Locale.ROOT, "Default int8 ÷ per-tensor int8 (per round): %s; ÷ DynamicQuantizeMatMul: %s%s (the mixed"
                    + " default quantizes per tensor wherever the gate allows; all per tensor, all-MiniLM-L6-v2 misses the 0.99 gate).",
                    stat(r, "int8_ratio_vs_per_tensor").format("%.2f"), stat(r, "int8_ratio_vs_dynamic_quantize_matmul").format("%.2f"),
                    r.has("int8_ratio_vs_per_row") ? "; ÷ per-row int8: " + stat(r, "int8_ratio_vs_per_row").format("%.2f") : ""));
        }
        line("");
        int8Fidelity(r, names);
    }

    /**
     * The int8 section's table of each quantized model's fidelity to the fp32 model of its own family and its Spearman
     * deltas on both STS sets, and the paired bootstrap of the deltas; nothing for results written before they were measured.
     */
    private void int8Fidelity(JsonObject r, Map<String, String> names) {
        if (!r.has("sts_cosine_vs_own_fp32")) {
            return;
        }
        JsonObject cosines = r.getAsJsonObject("sts_cosine_vs_own_fp32");
        JsonObject stsB = r.getAsJsonObject("spearman_sts_b_en_dev");
        JsonObject sick = r.has("spearman_sick_en_trial") ? r.getAsJsonObject("spearman_sick_en_trial") : null;
        line(String.format(Locale.ROOT, "**Fidelity and the Spearman deltas.** Each quantized model against the float32 model of its own"
                + " family (our int8 exports against our fp32 export, LangChain4j-q against LangChain4j's fp32): the cosine of its vector"
                + " of each of the %d sentences of the sts-b-en/dev pairs (both sides) to that fp32 model's vector of the same sentence,"
                + " and its Spearman minus that fp32 model's on sts-b-en/dev and on sick-en/trial%s.", 2 * r.get("sts_pairs").getAsInt(),
                r.has("sick_pairs") ? " (" + r.get("sick_pairs").getAsInt() + " pairs)" : ""));
        line("");
        line("| quantized encoder | mean cosine to own fp32 (mean 1 − cosine) | smallest cosine | Spearman Δ sts-b-en/dev"
                + " | Spearman Δ sick-en/trial |");
        line("|---|---|---|---|---|");
        names.forEach((key, name) -> {
            if (cosines.has(key)) {
                JsonObject cosine = cosines.getAsJsonObject(key);
                String reference = key.startsWith("langchain4j") ? "langchain4j_fp32" : "onnx_encoder_fp32";
                line(String.format(Locale.ROOT, "| %s | %.5f (%.2e) | %.4f | %+.4f | %s |", name, cosine.get("mean").getAsDouble(),
                        cosine.get("mean_one_minus").getAsDouble(), cosine.get("min").getAsDouble(), spearmanDelta(stsB, key, reference),
                        sick == null ? "" : String.format(Locale.ROOT, "%+.4f", spearmanDelta(sick, key, reference))));
            }
        });
        line("");
        if (r.has("spearman_delta_bootstrap")) {
            JsonObject bootstrap = r.getAsJsonObject("spearman_delta_bootstrap");
            String sickIntervals = r.has("spearman_delta_bootstrap_sick")
                    ? "; sick-en/trial " + bootstrapIntervals(r.getAsJsonObject("spearman_delta_bootstrap_sick")) : "";
            line(String.format(Locale.ROOT, "Paired bootstrap of the deltas (%,d resamples of the pairs with replacement, seed %d;"
                    + " 2.5–97.5 percentiles): sts-b-en/dev %s%s. The resamples vary the pairs only: they show how far the deltas would"
                    + " move on other pairs like these, not how much the particular rounding errors of each quantization happened to"
                    + " help or hurt.", bootstrap.get("resamples").getAsInt(), bootstrap.get("seed").getAsLong(), bootstrapIntervals(bootstrap),
                    sickIntervals));
            line("");
        }
    }

    /** "int8 − fp32 a to b, LangChain4j-q − LangChain4j c to d, ours − theirs m (e to f; ≥ 0 in s % of resamples)". */
    private static String bootstrapIntervals(JsonObject bootstrap) {
        StringBuilder text = new StringBuilder("int8 − fp32 " + interval(bootstrap.getAsJsonObject("int8")));
        if (bootstrap.has("int8_minus_langchain4j_q")) {
            JsonObject difference = bootstrap.getAsJsonObject("int8_minus_langchain4j_q");
            text.append(", LangChain4j-q − LangChain4j ").append(interval(bootstrap.getAsJsonObject("langchain4j_q")))
                    .append(String.format(Locale.ROOT, ", ours − theirs %+.4f (%s; ≥ 0 in %.1f %% of resamples)",
                            difference.get("median").getAsDouble(), interval(difference),
                            100 * difference.get("share_at_least_zero").getAsDouble()));
        }
        return text.toString();
    }

    /** "low to high" of a bootstrap interval. */
    private static String interval(JsonObject interval) {
        return String.format(Locale.ROOT, "%+.4f to %+.4f", interval.get("low").getAsDouble(), interval.get("high").getAsDouble());
    }

    private static double spearmanDelta(JsonObject spearman, String key, String reference) {
        return spearman.get(key).getAsDouble() - spearman.get(reference).getAsDouble();
    }

    private void memory() {
        line("## 4. Peak resident memory of training, and what fits");
        line("");
        line(String.format(Locale.ROOT, "A fresh JVM per run (`TrainingProbe`): load bge-small-zh-v1.5, train a few `RetrievalTrainer` steps on"
                + " Chinese STS-B (CoSENT, dynamic padding, length-grouped batches; the batch is pairs, so 2 × batch texts), then read"
                + " `VmHWM` from `/proc/self/status`. %d runs per batch size; *before scoping* is one run with scoping off"
                + " (`scoped=false`: every layer's intermediates kept to the end of the step), same settings; *glibc* is one run"
                + " with glibc's allocator where the command preloads another for training (`LD_PRELOAD=`), same settings.",
                memoryRepeats));
        line("");
        line("*With gradient_checkpointing* is one run with activation checkpointing (`checkpointing=true`: the forward pass"
                + " keeps only each layer's input, the backward pass runs each layer again), same settings: its peak, its step"
                + " time, and that step time over the median step time without it when both ran in the same `bench/run`.");
        line("");
        runLine("memory_batch32_1", "memory_batch128_1", "memory_batch512_1", "memory_glibc_batch32", "memory_glibc_batch128",
                "memory_unscoped_batch32", "memory_unscoped_batch128", "memory_checkpointed_batch32", "memory_checkpointed_batch128",
                "memory_checkpointed_batch512");
        line("| batch (pairs) | peak RSS MB | glibc | before scoping | step s (after the first) | real tokens/s"
                + " | with gradient_checkpointing: peak RSS MB | step s | step time ratio |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (int batch : MEMORY_BATCHES) {
            List<JsonObject> runs = memoryRuns(batch);
            JsonObject checkpointed = result("memory_checkpointed_batch" + batch);
            JsonObject ratio = checkpointedStepRatio(batch);
            String checkpointedCells = checkpointed == null ? " | | | |" : String.format(Locale.ROOT, " | %.0f | %.2f | %s |",
                    checkpointed.get("peak_rss_mb").getAsDouble(), stat(checkpointed, "later_step_seconds").median(),
                    ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio.getAsJsonObject("step_ratio").get("median").getAsDouble()));
            if (runs.isEmpty()) {
                line("| " + batch + " | failed | | | | |" + checkpointedCells);
                continue;
            }
            Stats peak = Stats.of(runs.stream().mapToDouble(o -> o.get("peak_rss_mb").getAsDouble()).toArray());
            Stats step = Stats.of(runs.stream().mapToDouble(o -> stat(o, "later_step_seconds").median()).toArray());
            Stats rate = Stats.of(runs.stream().mapToDouble(o -> o.get("real_tokens_per_s").getAsDouble()).toArray());
            JsonObject before = result("memory_unscoped_batch" + batch);
            JsonObject glibc = result("memory_glibc_batch" + batch);
            line("| " + batch + " | " + peak.format("%.0f") + " | " + peakCell(glibc) + " | " + peakCell(before) + " | "
                    + step.format("%.2f") + " | " + rate.format("%.0f") + checkpointedCells);
            if (glibc != null) {
                headline("memory").addProperty("peak_rss_mb_batch" + batch + "_glibc", glibc.get("peak_rss_mb").getAsDouble());
            }
            headline("memory").addProperty("peak_rss_mb_batch" + batch, peak.median());
            stats.add("memory.peak_rss_mb_batch" + batch, peak.toJson());
            if (before != null) {
                headline("memory").addProperty("peak_rss_mb_batch" + batch + "_unscoped", before.get("peak_rss_mb").getAsDouble());
            }
        }
        line("");
        memoryModel();
    }

    /** A one-run probe's peak RSS in MB, or an empty cell when it did not run. */
    private static String peakCell(JsonObject probe) {
        return probe == null ? "" : String.format(Locale.ROOT, "%.0f", probe.get("peak_rss_mb").getAsDouble());
    }

    /** The activation estimate of each batch's largest step against its measured peak (runs that recorded their shapes). */
    private void memoryModel() {
        List<JsonObject> shaped = new ArrayList<>();
        for (int batch : MEMORY_BATCHES) {
            List<JsonObject> runs = memoryRuns(batch);
            if (!runs.isEmpty() && runs.get(0).has("batch_shapes")) {
                shaped.add(runs.get(0));
            }
        }
        if (shaped.isEmpty()) {
            line("**What limits it.** A fixed part (the JVM, the native libraries, the model with its gradients and AdamW moments)"
                    + " and the activations kept for the backward pass, which grow with the batch.");
            line("");
            return;
        }
        JsonObject shape = shaped.get(0).getAsJsonObject("model_shape");
        ActivationEstimate estimate = ActivationEstimate.of(shape);
        double parameters = shape.get("parameters").getAsDouble();
        line("**The memory model.** A step's peak is a fixed part plus the activations its forward passes keep for the backward"
                + " pass. The fixed part: resident memory once the model is loaded (JVM, native libraries, tokenizer, weights), and"
                + " the gradients and two AdamW moments the first step adds (3 × 4 bytes × parameters). The activations: what"
                + " autograd keeps, the estimate of Korthikanti et al. (2022) counted for float32 and this project's dropout (a"
                + " one-byte keep mask): per token and layer, 34 h + 8 i + 9 a s bytes (h hidden width, i"
                + " feed-forward width, a heads, s padded length), plus 5 h for the embeddings; a step keeps all its forward passes"
                + " (one per text role) until its backward pass. With gradient_checkpointing it keeps each layer's input instead"
                + " (4 h a token, layers + 1 of them) and its backward pass holds one layer of one forward pass at a time. Scoping releases everything else a layer makes as soon as the layer"
                + " is done; before it, a step also held every intermediate nothing needed any more.");
        line("");
        line("| batch (pairs) | largest step (texts × length, per role) | activations (estimate) MB | resident after load MB |"
                + " gradients + moments MB | predicted peak MB | measured peak MB | measured ÷ predicted"
                + " | with gradient_checkpointing: predicted MB | measured MB | measured ÷ predicted |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        JsonObject model = new JsonObject();
        for (JsonObject run : shaped) {
            int batch = run.get("batch").getAsInt();
            JsonArray step = estimate.largestStep(run.getAsJsonArray("batch_shapes"));
            double activations = estimate.stepBytes(step) / (1 << 20);
            Stats loaded = Stats.of(memoryRuns(batch).stream().mapToDouble(o -> o.get("rss_after_load_mb").getAsDouble()).toArray());
            double optimizer = 12 * parameters / (1 << 20);
            double predicted = loaded.median() + optimizer + activations;
            double measured = memoryResult(batch).getAsJsonObject("peak_rss_mb").get("median").getAsDouble();
            JsonObject checkpointed = result("memory_checkpointed_batch" + batch);
            String checkpointedCells = " | | | |";
            JsonObject row = new JsonObject();
            if (checkpointed != null && checkpointed.has("batch_shapes")) {
                JsonArray checkpointedStep = estimate.largestStep(checkpointed.getAsJsonArray("batch_shapes"));
                double checkpointedPredicted = checkpointed.get("rss_after_load_mb").getAsDouble() + optimizer
                        + estimate.checkpointedStepBytes(checkpointedStep) / (1 << 20);
                double checkpointedMeasured = checkpointed.get("peak_rss_mb").getAsDouble();
                checkpointedCells = String.format(Locale.ROOT, " | %.0f | %.0f | %.2f |", checkpointedPredicted, checkpointedMeasured,
                        checkpointedMeasured / checkpointedPredicted);
                row.addProperty("checkpointed_predicted_peak_mb", checkpointedPredicted);
                row.addProperty("checkpointed_measured_peak_mb", checkpointedMeasured);
            }
            line(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f", batch, ActivationEstimate.shapes(step),
                    activations, loaded.median(), optimizer, predicted, measured, measured / predicted) + checkpointedCells);
            row.addProperty("activations_mb", activations);
            row.addProperty("predicted_peak_mb", predicted);
            row.addProperty("measured_peak_mb", measured);
            model.add("batch" + batch, row);
        }
        headline("memory").add("model", model);
        line("");
        double perThousand = 1000 * estimate.layers() * estimate.bytesPerTokenPerLayer(64) / (1 << 20);
        line(String.format(Locale.ROOT, "**What fits.** For bge-small-zh-v1.5 (%d layers, h %d, i %d, %d heads) at 64 tokens, a step keeps"
                + " about %.0f MB per 1,000 tokens of its forward passes (texts × padded length, every role counted), on top of the"
                + " fixed part; the s² term grows with length (at 128 tokens: %.0f MB). The rest of a measured peak is the backward"
                + " pass's own temporaries (gradients of the activations, freed as it goes) and the allocator: memory freed by"
                + " shorter batches earlier in the run that a longer batch cannot reuse.", estimate.layers(), estimate.hidden(),
                estimate.intermediate(), estimate.heads(), perThousand,
                1000 * estimate.layers() * estimate.bytesPerTokenPerLayer(128) / (1 << 20)));
        line("");
    }

    private void startup() {
        line("## 5. Startup: process start to the end of the first training step");
        line("");
        List<JsonObject> runs = memoryRuns(32);
        if (runs.isEmpty()) {
            line("Failed; see *Failed runs*.");
            line("");
            return;
        }
        Stats total = Stats.of(runs.stream().mapToDouble(o -> o.get("seconds_to_first_step").getAsDouble()).toArray());
        Stats loaded = Stats.of(runs.stream().mapToDouble(o -> o.get("seconds_to_model_loaded").getAsDouble()).toArray());
        Stats first = Stats.of(runs.stream().mapToDouble(o -> o.get("first_step_seconds").getAsDouble()).toArray());
        line("Same batch-32 runs as above (fresh JVMs; the process start time is the kernel's).");
        line("");
        line("| seconds to first step done | of which: to model loaded | trainer setup + first step |");
        line("|---|---|---|");
        line("| **" + total.format("%.1f") + "** | " + loaded.format("%.1f") + " | " + first.format("%.1f") + " (first step alone) |");
        line("");
        line("**What limits it.** JVM start, loading the libtorch native library (hundreds of MB, read from the local cache), reading the"
                + " model from the Maven jar (ONNX initializers) and building the tokenizer, then the trainer's setup (dataset, a"
                + " first collated batch to check the loss inputs, the AdamW moments) and a first step, which is slower than later"
                + " ones because libtorch allocates its buffers on first use.");
        line("");
    }

    private void memoryGrowth() {
        JsonObject plain = result("memory_growth");
        JsonObject collected = result("memory_growth_gc");
        JsonObject glibc = result("memory_growth_glibc");
        JsonObject lean = result("memory_growth_lean");
        if (plain == null || collected == null || lean == null) {
            return;
        }
        List<GrowthRun> runs = new ArrayList<>();
        runs.add(new GrowthRun("the command's allocator", plain, true));
        runs.add(new GrowthRun("GC before sampling", collected, false));
        if (glibc != null) {
            runs.add(new GrowthRun("glibc's defaults", glibc, true));
        }
        runs.add(new GrowthRun("lean (glibc)", lean, true));
        line("## 6. Resident memory over a long run");
        line("");
        runLine("memory_growth", "memory_growth_gc", "memory_growth_glibc", "memory_growth_lean");
        line("`MemoryGrowthProbe` in fresh JVMs (the command's JVM options, one inter-op thread): bge-small-zh-v1.5, CoSENT on"
                + " Chinese STS-B, batch 32, dynamic padding with length-grouped batches, " + plain.get("steps").getAsInt() + " steps,"
                + " memory sampled every few steps. The runs: the allocator `./retrievals train` runs with (environment "
                + environment(BenchmarkRunner.TRAINING) + "); the same with a full garbage collection before each sample;"
                + (glibc != null ? " glibc's default allocator;" : "") + " and glibc with the lean setting"
                + " `MALLOC_MMAP_THRESHOLD_=1048576` (every block of 1 MiB or more mapped on its own and returned to the kernel when"
                + " freed).");
        line("");
        StringBuilder header = new StringBuilder("| step | resident MB | Java heap used / committed MB | live NDArrays |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|");
        for (GrowthRun run : runs.subList(1, runs.size())) {
            header.append(" resident MB, ").append(run.label()).append(" |");
            rule.append("---|");
        }
        line(header.toString());
        line(rule.toString());
        List<com.google.gson.JsonArray> samples = runs.stream().map(GrowthRun::samples).toList();
        int rows = samples.stream().mapToInt(com.google.gson.JsonArray::size).min().orElse(0);
        for (int i = 0; i < rows; i++) {
            JsonObject x = samples.get(0).get(i).getAsJsonObject();
            StringBuilder row = new StringBuilder("| " + x.get("step") + " | " + x.get("rss_mb") + " | " + x.get("heap_used_mb") + " / "
                    + x.get("heap_committed_mb") + " | " + x.get("live_ndarrays") + " |");
            for (com.google.gson.JsonArray other : samples.subList(1, samples.size())) {
                row.append(' ').append(other.get(i).getAsJsonObject().get("rss_mb")).append(" |");
            }
            line(row.toString());
        }
        JsonObject memory = headline("memory");
        memory.addProperty("long_run_rss_growth_mb_per_100_steps_second_half", secondHalfGrowthPer100Steps(samples.get(0)));
        memory.addProperty("long_run_rss_growth_mb_per_100_steps_second_half_gc", secondHalfGrowthPer100Steps(samples.get(1)));
        memory.addProperty("long_run_final_rss_mb", lastRss(samples.get(0)));
        if (glibc != null) {
            memory.addProperty("long_run_final_rss_mb_glibc", lastRss(glibc.getAsJsonArray("samples")));
        }
        memory.addProperty("long_run_final_rss_mb_lean", lastRss(lean.getAsJsonArray("samples")));
        line("");
        line("| run | growth over the second half, MB per 100 steps (Java heap filling included) | resident MB at the end | real tokens/s |");
        line("|---|---|---|---|");
        for (GrowthRun run : runs) {
            String speed = !run.speedCompared() ? "not compared (the forced collections take time)"
                    : String.format(Locale.ROOT, "%.0f", run.result().get("real_tokens_per_s").getAsDouble());
            line(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %s |", run.label(), secondHalfGrowthPer100Steps(run.samples()),
                    lastRss(run.samples()), speed));
        }
        line("");
        line("**What grows, and why it is not a leak.** The live NDArrays stay constant, so no tensor is kept from step to step."
                + " Resident memory rises in two ways. Jumps, when a batch longer than any before it makes libtorch allocate larger"
                + " activations: glibc raises its mapping threshold to the largest block freed so far, after which such blocks are"
                + " kept in malloc's heap for reuse, so the high-water mark of the longest batch stays resident (length-grouped"
                + " batches reach their longest ones at random points of the epoch); TCMalloc keeps freed blocks in its page heap"
                + " for reuse and returns them to the kernel only slowly. And a slow climb while the Java heap fills"
                + " towards its committed size between collections (it also holds the small native buffers that DJL frees only"
                + " when their Java owners are collected); a forced collection stops the climb, and a fixed heap (`-Xms` = `-Xmx`,"
                + " as `SoakTest` runs, which also checks the exact live-NDArray count over 2,000 steps in CI) removes it. About 1 MB"
                + " of Java objects a step (DJL's wrapper object and manager entry for every intermediate array, tokenizer"
                + " encodings) fills the young generation, so the first collection comes only after several hundred steps; the"
                + " climb ends at the committed heap's size (the heap column). The lean"
                + " setting keeps resident memory near the model's own size at the cost of fresh page faults for every large"
                + " activation each step; set it (with `LD_PRELOAD=` to leave glibc in place) when memory matters more than speed.");
        line("");
    }

    /** One long run of section 6: its label, its result, and whether its speed compares with the others'. */
    private record GrowthRun(String label, JsonObject result, boolean speedCompared) {
        com.google.gson.JsonArray samples() {
            return result.getAsJsonArray("samples");
        }
    }

    private void encodeCommand() {
        JsonObject r = result("encode_command");
        if (r == null) {
            return;
        }
        line("## 7. The command: `retrievals encode`, PyTorch engine and ONNX Runtime");
        line("");
        line(String.format(Locale.ROOT, "What a user runs: the distribution's `bin/retrievals encode` (its JVM options and environment"
                + " from `conf/launcher.properties`), measured from outside like `/usr/bin/time`: wall time including the JVM's start,"
                + " CPU time, minor page faults and peak resident memory (`VmHWM`), sampled from `/proc` every 50 ms. %s at its"
                + " default maximum length, the first %d documents of `scifact/corpus.jsonl` in file order, each `title + \" \" +"
                + " text` on one line, batch %d; the ONNX side encodes the same file with `--backend onnx` on the model's export."
                + " After one untimed run of each, %d rounds alternate the two; the ratio (ONNX wall time ÷ PyTorch wall time) is"
                + " taken per round. *Scoping off* is one run with `-Dretrievals.scoped_forward=false` added to the JVM options.",
                r.get("model").getAsString(), r.get("texts").getAsInt(), r.get("batch").getAsInt(), r.get("rounds").getAsInt()));
        line("");
        if (r.has("run")) {
            JsonObject run = r.getAsJsonObject("run");
            line("*Run: `" + run.get("command").getAsString() + "`, started " + run.get("started").getAsString()
                    + "; the commands ran with the launcher's own settings: JVM `" + String.join(" ", BenchmarkRunner.FLAGS)
                    + "`, environment " + environment(BenchmarkRunner.INFERENCE) + ".*");
            line("");
        }
        line("| engine | wall s | user s | sys s | minor page faults | peak RSS MB |");
        line("|---|---|---|---|---|---|");
        for (String[] row : new String[][] {{"pytorch", "PyTorch engine"}, {"onnx", "ONNX Runtime (`OnnxEncoder`)"}}) {
            JsonObject e = r.getAsJsonObject(row[0]);
            line("| " + row[1] + " | " + stat(e, "wall_s").format("%.1f") + " | " + stat(e, "user_s").format("%.1f") + " | "
                    + stat(e, "sys_s").format("%.1f") + " | " + stat(e, "minor_faults").format("%.0f") + " | "
                    + stat(e, "peak_rss_mb").format("%.0f") + " |");
        }
        JsonObject before = r.getAsJsonObject("pytorch_unscoped");
        line(String.format(Locale.ROOT, "| PyTorch engine, scoping off (one run) | %.1f | %.1f | %.1f | %.0f | %.0f |",
                before.get("wall_s").getAsDouble(), before.get("user_s").getAsDouble(), before.get("sys_s").getAsDouble(),
                before.get("minor_faults").getAsDouble(), before.get("peak_rss_mb").getAsDouble()));
        line("");
        line("ONNX wall time ÷ PyTorch wall time, per round: **" + stat(r, "ratio_onnx_wall_over_pytorch_wall").format("%.2f") + "**.");
        headline("memory").addProperty("encode_peak_rss_mb_unscoped", before.get("peak_rss_mb").getAsDouble());
        line("");
        line("**What limits it.** With scoped forward passes the PyTorch engine holds one layer's intermediates at a time (the"
                + " largest are the attention scores and their softmax, batch × heads × length² floats each), where it held every"
                + " layer's until the batch ended. Its CPU time is close to ONNX Runtime's; what remains is the JVM's and libtorch's"
                + " start, the model read from its jar, and eager op-by-op execution without ONNX Runtime's fused kernels. System"
                + " time is the kernel handing out fresh memory: with glibc's defaults every block over 32 MB is mapped when"
                + " allocated and unmapped when freed, so each batch's attention arrays are page-faulted and zero-filled again; the"
                + " launcher's allocator settings keep them in one heap and reuse them.");
        line("");
    }

    private void gradientCache() {
        JsonObject r = result("memory_gradcache_batch512");
        if (r == null) {
            return;
        }
        line("## 8. Gradient caching at batch 512");
        line("");
        line(String.format(Locale.ROOT, "`GradCacheProbe` in a fresh JVM: InfoNCE fine-tuning of %s on Chinese STS-B pairs (query ="
                + " sentence1, positive = sentence2, at most %d tokens), batch %d pairs embedded in chunks of %d"
                + " (`gradient_cache_mini_batch_size`), %d step; peak RSS is `VmHWM`. The plain path at other batch sizes and the"
                + " cost in time: [benchmarks-gradcache.md](benchmarks-gradcache.md).", r.get("model").getAsString(),
                r.get("max_length").getAsInt(), r.get("batch").getAsInt(), r.get("mini_batch").getAsInt(), r.get("steps").getAsInt()));
        line("");
        runLine("memory_gradcache_batch512");
        line("| batch (pairs) | mini-batch | peak RSS MB | step s |");
        line("|---|---|---|---|");
        line(String.format(Locale.ROOT, "| %d | %d | %.0f | %s |", r.get("batch").getAsInt(), r.get("mini_batch").getAsInt(),
                r.get("peak_rss_mb").getAsDouble(), stat(r, "step_seconds").format("%.1f")));
        line("");
    }

    private static double lastRss(com.google.gson.JsonArray samples) {
        return samples.get(samples.size() - 1).getAsJsonObject().get("rss_mb").getAsDouble();
    }

    /** Resident growth from the middle sample to the last, in MB per 100 steps. */
    private static double secondHalfGrowthPer100Steps(com.google.gson.JsonArray samples) {
        JsonObject middle = samples.get(samples.size() / 2 - 1).getAsJsonObject();
        JsonObject last = samples.get(samples.size() - 1).getAsJsonObject();
        double steps = last.get("step").getAsDouble() - middle.get("step").getAsDouble();
        return (last.get("rss_mb").getAsDouble() - middle.get("rss_mb").getAsDouble()) / steps * 100;
    }

    private void fixes() {
        line("## Fixes and their effect (before → after, each pair measured in one run)");
        line("");
        line("| change | before | after | how measured |");
        line("|---|---|---|---|");
        JsonObject r = result("train_minilm");
        if (r != null) {
            line("| AdamW: one fused native `adamUpdate` per parameter instead of ~15 element-wise calls | "
                    + stat(r, "adam_seconds_elementwise").format("%.3f") + " s | " + stat(r, "adam_seconds_fused").format("%.3f")
                    + " s | MiniLM step, rounds alternating the two optimizers in one process |");
            line("| Gradient clipping: native norms and one read-back instead of square, sum and a read-back per parameter | "
                    + stat(r, "clip_seconds_elementwise").format("%.3f") + " s | " + stat(r, "clip_seconds_fused").format("%.3f")
                    + " s | same rounds |");
        }
        JsonObject malloc = result("train_minilm_default_malloc");
        if (r != null && malloc != null) {
            line("| The command's allocator settings for training (" + environment(BenchmarkRunner.TRAINING) + ") instead of glibc's defaults |"
                    + " ratio " + stat(malloc, "matmul_ratio").format("%.2f") + ", step " + stat(malloc, "step_seconds").format("%.2f")
                    + " s, AdamW " + stat(malloc, "adam_seconds_fused").format("%.3f") + " s | ratio " + stat(r, "matmul_ratio").format("%.2f")
                    + ", step " + stat(r, "step_seconds").format("%.2f") + " s, AdamW " + stat(r, "adam_seconds_fused").format("%.3f")
                    + " s | two JVMs, MiniLM step |");
        }
        scopingFix(r);
        JsonObject interop = result("train_minilm_default_interop");
        if (r != null && interop != null) {
            line("| `-Dai.djl.pytorch.num_interop_threads=1` (default: " + interop.getAsJsonObject("engine_threads").get("inter_op")
                    .getAsString() + ") | ratio " + stat(interop, "matmul_ratio").format("%.2f") + ", step "
                    + stat(interop, "step_seconds").format("%.2f") + " s | ratio " + stat(r, "matmul_ratio").format("%.2f") + ", step "
                    + stat(r, "step_seconds").format("%.2f") + " s | two JVMs, MiniLM step |");
        }
        List<JsonObject> defaultThreads = runs("threads_default_");
        List<JsonObject> oneThread = runs("threads_intra1_");
        if (!defaultThreads.isEmpty() && !oneThread.isEmpty()) {
            line("| `-Dai.djl.pytorch.num_threads=1` (one intra-op thread instead of " + defaultThreads.get(0).getAsJsonObject("engine_threads")
                    .get("intra_op").getAsString() + ") while the machine is oversubscribed | step " + laterSteps(defaultThreads).format("%.1f")
                    + " s, " + realTokens(defaultThreads).format("%.0f") + " real tokens/s | step " + laterSteps(oneThread).format("%.1f") + " s, "
                    + realTokens(oneThread).format("%.0f") + " real tokens/s | `RetrievalTrainer`, bge-small-zh-v1.5, batch 32 on STS-B,"
                    + " fresh JVMs run in turn (load average " + machineOf(defaultThreads.get(0)).get("load_average_after").getAsString().split(" ")[0]
                    + " on " + machine.get("cores").getAsString() + " cores at the end) |");
        }
        line("| Tried and left out: AdamW on embedding tables updating only the rows with a gradient or moments (exact when"
                + " there is no weight decay) | | | slower here: DJL's advanced-index `get`/`set` cost 10–20 ms per array on a loaded"
                + " machine, so two row norms, four gathers and three scatters cost as much as the dense fused update |");
        line("| Attention scales the query `[b, h, s, d]` instead of the scores `[b, h, s, s]` (4× fewer multiplications at 128"
                + " tokens, forward and backward) | | | included in every figure above; not measured apart |");
        line("");
        line("The ratio to the same-process matmul rate is the fair comparison between JVMs run at different times on a shared"
                + " machine; step seconds are shown for scale. Numerical behaviour is unchanged: the fused update is rescaled to"
                + " PyTorch's AdamW formula exactly and the trainer's AdamW test still compares it with plain double math within 1e-6.");
        line("");
    }

    /** The before/after row of scoped forward passes: peaks of training and of the encode command, and the step's matmul ratio. */
    private void scopingFix(JsonObject training) {
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (int batch : new int[] {32, 128}) {
            JsonObject unscoped = result("memory_unscoped_batch" + batch);
            JsonObject scoped = memoryResult(batch);
            if (unscoped != null && scoped != null) {
                before.add(String.format(Locale.ROOT, "training peak %.0f MB at batch %d", unscoped.get("peak_rss_mb").getAsDouble(), batch));
                after.add(String.format(Locale.ROOT, "%.0f MB", scoped.getAsJsonObject("peak_rss_mb").get("median").getAsDouble()));
            }
        }
        JsonObject encode = result("encode_command");
        if (encode != null) {
            before.add(String.format(Locale.ROOT, "`retrievals encode` peak %.0f MB", encode.getAsJsonObject("pytorch_unscoped")
                    .get("peak_rss_mb").getAsDouble()));
            after.add(String.format(Locale.ROOT, "%.0f MB", stat(encode.getAsJsonObject("pytorch"), "peak_rss_mb").median()));
        }
        if (training != null && training.has("matmul_ratio_unscoped")) {
            before.add("matmul ratio " + stat(training, "matmul_ratio_unscoped").format("%.2f"));
            after.add(stat(training, "matmul_ratio").format("%.2f"));
        }
        if (!before.isEmpty()) {
            line("| Scoped forward passes: each layer's intermediates released when the layer is done (issue 18) | "
                    + String.join("; ", before) + " | " + String.join("; ", after) + " | same settings, scoping off and on: fresh JVMs"
                    + " (peaks), alternating rounds in one process (ratio) |");
        }
    }

    // ----- helpers -----

    private MiningSection mining() {
        return new MiningSection(result(MiningSection.SCIFACT), result(MiningSection.MILLION));
    }

    private RerankSection rerank() {
        return new RerankSection(result(RerankSection.NAME));
    }

    private JsonObject result(String name) {
        return results.get(name);
    }

    /** The run a result came from: this one, or the earlier run its figures were kept from. */
    private JsonObject machineOf(JsonObject result) {
        return result.has("run") || !machine.has("earlier_run") ? machine : machine.getAsJsonObject("earlier_run");
    }

    private List<JsonObject> memoryRuns(int batch) {
        List<JsonObject> runs = new ArrayList<>();
        for (int repeat = 1; repeat <= memoryRepeats; repeat++) {
            JsonObject r = results.get("memory_batch" + batch + "_" + repeat);
            if (r != null) {
                runs.add(r);
            }
        }
        return runs;
    }

    /**
     * The step time with activation checkpointing over the median step time without it (both after
     * the first step), at one batch size, as {@code {step_ratio: stats}}; null when either is missing.
     */
    private JsonObject checkpointedStepRatio(int batch) {
        JsonObject checkpointed = result("memory_checkpointed_batch" + batch);
        List<JsonObject> plain = memoryRuns(batch);
        if (checkpointed == null || plain.isEmpty() || !startedTogether(checkpointed, plain.get(0))) {
            return null; // step times of different runs (machine load) are not compared
        }
        double ratio = stat(checkpointed, "later_step_seconds").median() / laterSteps(plain).median();
        JsonObject json = new JsonObject();
        json.add("step_ratio", Stats.of(ratio).toJson());
        return json;
    }

    /** Whether two results come from the same {@code bench/run} invocation. */
    private static boolean startedTogether(JsonObject a, JsonObject b) {
        return a.has("run") && b.has("run")
                && a.getAsJsonObject("run").get("started").getAsString().equals(b.getAsJsonObject("run").get("started").getAsString());
    }

    /** The runs of batch 32 combined into one result for the headline rows. */
    private JsonObject memoryResult(int batch) {
        List<JsonObject> runs = memoryRuns(batch);
        if (runs.isEmpty()) {
            return null;
        }
        JsonObject combined = new JsonObject();
        for (String key : List.of("peak_rss_mb", "seconds_to_first_step")) {
            combined.add(key, Stats.of(runs.stream().mapToDouble(o -> o.get(key).getAsDouble()).toArray()).toJson());
        }
        return combined;
    }

    /** The results named {@code prefix1}, {@code prefix2}, … */
    private List<JsonObject> runs(String prefix) {
        List<JsonObject> runs = new ArrayList<>();
        results.forEach((name, result) -> {
            if (name.startsWith(prefix)) {
                runs.add(result);
            }
        });
        return runs;
    }

    private static Stats laterSteps(List<JsonObject> runs) {
        return Stats.of(runs.stream().mapToDouble(o -> stat(o, "later_step_seconds").median()).toArray());
    }

    private static Stats realTokens(List<JsonObject> runs) {
        return Stats.of(runs.stream().mapToDouble(o -> o.get("real_tokens_per_s").getAsDouble()).toArray());
    }

    private static Stats stat(JsonObject result, String key) {
        return Stats.fromJson(result.getAsJsonObject(key));
    }

    private void headlineRow(String figure, JsonObject result, String key, String pattern, String target, double threshold) {
        headlineLine(figure, result, key, pattern, target, threshold, false);
    }

    /** A headline row whose target is an upper bound. */
    private void headlineAtMost(String figure, JsonObject result, String key, String pattern, String target, double threshold) {
        headlineLine(figure, result, key, pattern, target, threshold, true);
    }

    private void headlineLine(String figure, JsonObject result, String key, String pattern, String target, double threshold, boolean atMost) {
        if (result == null || !result.has(key)) {
            line("| `" + figure + "` | not measured | " + target + " | |");
            return;
        }
        Stats value = put(figure, result, key);
        boolean met = atMost ? value.median() <= threshold : value.median() >= threshold;
        line("| `" + figure + "` | " + value.format(pattern) + " | " + target + " | " + (Double.isNaN(threshold) ? "" : met ? "yes" : "**no**")
                + " |");
    }

    /** Records {@code result[key]} as headline figure {@code section.name}: its median, and its statistics under {@code stats}. */
    private Stats put(String figure, JsonObject result, String key) {
        if (result == null) {
            return null;
        }
        Stats value = stat(result, key);
        String[] parts = figure.split("\\.", 2);
        headline(parts[0]).addProperty(parts[1], value.median());
        stats.add(figure, value.toJson());
        return value;
    }

    private JsonObject headline(String section) {
        if (!headline.has(section)) {
            headline.add(section, new JsonObject());
        }
        return headline.getAsJsonObject(section);
    }

    private void line(String text) {
        page.append(text).append('\n');
    }
}
