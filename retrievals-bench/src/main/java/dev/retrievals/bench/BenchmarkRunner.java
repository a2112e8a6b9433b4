package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.process.LauncherSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every benchmark, each in a fresh JVM, and writes {@code benchmarks.md} and
 * {@code benchmarks.json}. The main figures use the settings of the {@code retrievals} command
 * ({@link LauncherSettings}: its JVM options, flags and allocator environment), so they are what
 * users get; extra runs next to the main ones each drop or change one setting, so the page shows
 * what each is worth. Every fresh result records the settings it ran with ({@code run}).
 *
 * <p>Settings ({@code key=value}): {@code docs} (folder for the page, default {@code docs}),
 * {@code work} (folder for raw results), {@code launcher} (the distribution's {@code bin/retrievals},
 * for the encode benchmark), {@code train_rounds} (12), {@code padding_rounds} (5),
 * {@code padding_steps} (6), {@code inference_rounds} (5), {@code inference_texts} (10000),
 * {@code pytorch_texts} (2000), {@code int8_rounds} (5), {@code int8_texts} (2000), {@code encode_rounds} (3), {@code encode_texts} (500),
 * {@code memory_repeats} (3), {@code memory_steps} (3), {@code growth_steps} (400);
 * {@code report_only=true} runs nothing and rewrites the page from the results already there;
 * {@code only=train,memory} runs only the benchmarks whose names start with one of those words and
 * reuses the others: from {@code work}, else from the {@code details} of the {@code benchmarks.json}
 * being replaced (the page then names the run they came from).
 * Mining: {@code mining_documents} (1000000: the random corpus of the large mining run),
 * {@code mining_rounds} (3), {@code mining_encode_documents} (empty: the whole SciFact corpus; else time only
 * the first that many) with {@code mining_store} (a kept SciFact store to search instead), {@code mining_hnsw}
 * (true; false skips HNSW on the million vectors).
 * Rerankers: {@code rerank_pairs} (1000), {@code rerank_rounds} (5).
 */
public final class BenchmarkRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkRunner.class);
    /** What the command runs with; the main figures use it. */
    static final LauncherSettings LAUNCHER = LauncherSettings.load();
    /** JVM options and flags of the main figures: the command's. */
    static final List<String> FLAGS = LAUNCHER.jvmArguments();
    /** Environment of the training figures: what the command sets for {@code train}. */
    static final Map<String, String> TRAINING = LAUNCHER.environment("train");
    /** Environment of the in-process inference figures: what the command sets for {@code encode}. */
    static final Map<String, String> INFERENCE = LAUNCHER.environment("encode");

    /**
     * glibc malloc setting that trades speed for resident memory: every block of 1 MiB or more is
     * mapped on its own and returned to the kernel when freed (the default threshold rises with
     * the largest block freed, after which libtorch's activations stay in malloc's heap).
     */
    static final Map<String, String> LEAN_TRAINING = Map.of("MALLOC_MMAP_THRESHOLD_", "1048576");

    private BenchmarkRunner() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("BenchmarkRunner", args).allow("docs", "work", "launcher", "train_rounds", "padding_rounds",
                "padding_steps", "inference_rounds", "inference_texts", "pytorch_texts", "int8_rounds", "int8_texts", "encode_rounds", "encode_texts", "memory_repeats",
                "memory_steps", "growth_steps", "mining_documents", "mining_rounds",
                "mining_encode_documents", "mining_store", "mining_hnsw", "rerank_pairs", "rerank_rounds", "report_only", "only");
        Path docs = Path.of(settings.string("docs", "docs"));
        Path work = Path.of(settings.string("work", "retrievals-bench/target/bench-results"));
        int trainRounds = settings.integer("train_rounds", 12);
        Instant started = Instant.now();
        JsonObject machineBefore = Machine.describe();
        Map<String, JsonObject> results = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        boolean reportOnly = Boolean.parseBoolean(settings.string("report_only", "false"));
        List<String> only = settings.string("only", "").isEmpty() ? List.of() : List.of(settings.string("only", "").split(","));
        JsonObject published = published(docs.resolve("benchmarks.json"));
        String command = ("bench/run " + String.join(" ", java.util.Arrays.stream(args)
                .filter(a -> !a.startsWith("docs=") && !a.startsWith("work=") && !a.startsWith("launcher=")).toList())).trim();
        Runner runner = new Runner(work, results, failures, name -> reportOnly || (!only.isEmpty() && only.stream().noneMatch(name::startsWith)),
                published.has("details") ? published.getAsJsonObject("details") : new JsonObject(), publishedFailures(published), command,
                started);

        runner.run("train_minilm", TrainingStepBenchmark.class, FLAGS, TRAINING, "model=all-MiniLM-L6-v2", "rounds=" + trainRounds);
        int abRounds = Math.max(6, trainRounds / 2);
        if (!TRAINING.isEmpty()) {
            runner.run("train_minilm_default_malloc", TrainingStepBenchmark.class, FLAGS, Map.of(),
                    "model=all-MiniLM-L6-v2", "rounds=" + abRounds);
        }
        List<String> defaultInterop = FLAGS.stream().filter(flag -> !flag.startsWith("-Dai.djl.pytorch.num_interop_threads=")).toList();
        runner.run("train_minilm_default_interop", TrainingStepBenchmark.class, defaultInterop, TRAINING,
                "model=all-MiniLM-L6-v2", "rounds=" + abRounds);
        runner.run("train_bge", TrainingStepBenchmark.class, FLAGS, TRAINING, "model=bge-small-zh-v1.5", "rounds=" + trainRounds);
        runner.run("padding", PaddingBenchmark.class, FLAGS, TRAINING,
                "rounds=" + settings.integer("padding_rounds", 5), "steps=" + settings.integer("padding_steps", 6));
        runner.run("inference", InferenceBenchmark.class, FLAGS, INFERENCE,
                "rounds=" + settings.integer("inference_rounds", 5), "texts=" + settings.integer("inference_texts", 10_000), "pytorch_texts=" + settings.integer("pytorch_texts", 2000));
        runner.run("inference_int8", Int8InferenceBenchmark.class, FLAGS, INFERENCE,
                "rounds=" + settings.integer("int8_rounds", 5), "texts=" + settings.integer("int8_texts", 2000));
        // The command itself, measured from outside; its own launcher sets its JVM options and environment.
        runner.run("encode_command", EncodeCommandBenchmark.class, List.of("-Xmx512m"), Map.of(),
                "launcher=" + settings.string("launcher", "retrievals-cli/target/retrievals/bin/retrievals"),
                "work=" + work.resolve("encode-command").toAbsolutePath(), "rounds=" + settings.integer("encode_rounds", 3),
                "texts=" + settings.integer("encode_texts", 500));
        int repeats = settings.integer("memory_repeats", 3);
        int steps = settings.integer("memory_steps", 3);
        for (int batch : new int[] {32, 128, 512}) {
            for (int repeat = 1; repeat <= repeats; repeat++) {
                runner.run("memory_batch" + batch + "_" + repeat, TrainingProbe.class, FLAGS, TRAINING,
                        "batch=" + batch, "steps=" + steps);
            }
        }
        // glibc's allocator instead of the one the command preloads for training, same settings: one run per batch size.
        if (!TRAINING.isEmpty()) {
            for (int batch : new int[] {32, 128}) {
                runner.run("memory_glibc_batch" + batch, TrainingProbe.class, FLAGS, Map.of(), "batch=" + batch, "steps=" + steps);
            }
        }
        // The forward pass before scoping, same settings (batch 512 unscoped needs about 18 GB: left out).
        for (int batch : new int[] {32, 128}) {
            runner.run("memory_unscoped_batch" + batch, TrainingProbe.class, FLAGS, TRAINING, "batch=" + batch, "steps=" + steps,
                    "scoped=false");
        }
        // Activation checkpointing (gradient_checkpointing), same settings: one run per batch size.
        for (int batch : new int[] {32, 128, 512}) {
            runner.run("memory_checkpointed_batch" + batch, TrainingProbe.class, FLAGS, TRAINING, "batch=" + batch, "steps=" + steps,
                    "checkpointing=true");
        }
        runner.run("memory_gradcache_batch512", GradCacheProbe.class, FLAGS, TRAINING, "batch=512", "mini_batch=32", "steps=1");
        // One intra-op thread against the engine's default, next to each other: on an oversubscribed
        // machine, OpenMP threads wait in barriers for a descheduled peer at every parallel op.
        List<String> oneThread = new ArrayList<>(FLAGS);
        oneThread.add("-Dai.djl.pytorch.num_threads=1");
        for (int repeat = 1; repeat <= repeats; repeat++) {
            runner.run("threads_default_" + repeat, TrainingProbe.class, FLAGS, TRAINING, "batch=32", "steps=4");
            runner.run("threads_intra1_" + repeat, TrainingProbe.class, oneThread, TRAINING, "batch=32", "steps=4");
        }
        // Long runs with the command's training environment, again with a collection before each sample, with glibc's
        // default allocator, and with glibc's large blocks always mapped and returned (the lean setting).
        int growthSteps = settings.integer("growth_steps", 400);
        String sampleEvery = "sample_every=" + Math.max(1, growthSteps / 10);
        runner.run("memory_growth", MemoryGrowthProbe.class, FLAGS, TRAINING, "steps=" + growthSteps, sampleEvery);
        runner.run("memory_growth_gc", MemoryGrowthProbe.class, FLAGS, TRAINING, "steps=" + growthSteps, sampleEvery, "gc=true");
        if (!TRAINING.isEmpty()) {
            runner.run("memory_growth_glibc", MemoryGrowthProbe.class, FLAGS, Map.of(), "steps=" + growthSteps, sampleEvery);
        }
        runner.run("memory_growth_lean", MemoryGrowthProbe.class, FLAGS, LEAN_TRAINING, "steps=" + growthSteps, sampleEvery);
        // The large mining runs: SciFact's real vectors (corpus encoding, exact and HNSW search), then a million random ones.
        runner.run(MiningSection.SCIFACT, MiningSciFactBenchmark.class, FLAGS, INFERENCE,
                "rounds=" + settings.integer("mining_rounds", 3), "encode_documents=" + settings.string("mining_encode_documents", ""),
                "store=" + settings.string("mining_store", ""));
        runner.run(MiningSection.MILLION, MiningMillionBenchmark.class, List.of("-Xmx2g"), Map.of(),
                "documents=" + settings.integer("mining_documents", 1_000_000), "hnsw=" + settings.string("mining_hnsw", "true"));
        runner.run(RerankSection.NAME, RerankBenchmark.class, FLAGS, INFERENCE, "pairs=" + settings.integer("rerank_pairs", 1000),
                "rounds=" + settings.integer("rerank_rounds", 5));
        JsonObject machine = machineBefore;
        machine.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        machine.addProperty("started", started.toString());
        machine.addProperty("command", command);
        machine.addProperty("minutes", Duration.between(started, Instant.now()).toSeconds() / 60.0);
        if ((reportOnly || !only.isEmpty()) && published.has("machine")) {
            machine.add("earlier_run", earlierRun(published.getAsJsonObject("machine")));
        }
        BenchmarkReport report = new BenchmarkReport(machine, results, failures, repeats);
        report.write(docs.resolve("benchmarks.md"), docs.resolve("benchmarks.json"));
        LOG.info("Wrote {} and {} in {} min", docs.resolve("benchmarks.md"), docs.resolve("benchmarks.json"),
                String.format("%.1f", machine.get("minutes").getAsDouble()));
        List<String> fresh = failures.stream().filter(failure -> !publishedFailures(published).contains(failure)).toList();
        if (!fresh.isEmpty()) {
            LOG.error("Failed: {}", fresh);
            System.exit(1);
        }
        if (!failures.isEmpty()) {
            LOG.warn("Still failed from the replaced page (not run now): {}", failures);
        }
    }

    /** The {@code benchmarks.json} being replaced, or an empty object. */
    private static JsonObject published(Path json) {
        return Files.isRegularFile(json) ? JsonFiles.read(json) : new JsonObject();
    }

    /** The failures the replaced page lists ({@code "name (exit 137)"}): a reused run that failed then is still failed. */
    private static List<String> publishedFailures(JsonObject published) {
        List<String> failures = new ArrayList<>();
        if (published.has("failures")) {
            published.getAsJsonArray("failures").forEach(failure -> failures.add(failure.getAsString()));
        }
        return failures;
    }

    /** The run the reused results came from: the replaced page's machine, without its own earlier run. */
    private static JsonObject earlierRun(JsonObject previous) {
        if (previous.has("earlier_run")) {
            return previous.getAsJsonObject("earlier_run");
        }
        JsonObject copy = previous.deepCopy();
        copy.remove("earlier_run");
        return copy;
    }

    /** Runs child benchmarks and collects their JSON results by name. */
    private record Runner(Path work, Map<String, JsonObject> results, List<String> failures, Predicate<String> reuse,
            JsonObject published, List<String> publishedFailures, String command, Instant started) {
        void run(String name, Class<?> benchmark, List<String> flags, Map<String, String> environment, String... args) {
            Path out = work.resolve(name + ".json");
            if (reuse.test(name)) {
                if (Files.isRegularFile(out)) {
                    results.put(name, JsonFiles.read(out));
                } else if (published.has(name)) {
                    results.put(name, published.getAsJsonObject(name));
                } else {
                    failures.add(publishedFailures.stream().filter(failure -> failure.startsWith(name + " (")).findFirst()
                            .orElse(name + " (no result in " + work + " nor in the published details)"));
                }
                return;
            }
            List<String> all = new ArrayList<>(List.of(args));
            all.add("out=" + out);
            try {
                Files.deleteIfExists(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            int exit = ChildJvm.run(benchmark, flags, environment, all);
            if (exit == 0 && Files.isRegularFile(out)) {
                JsonObject result = JsonFiles.read(out);
                result.add("run", runInfo(flags, environment));
                JsonFiles.write(out, result);
                results.put(name, result);
            } else {
                failures.add(name + " (exit " + exit + ")");
            }
        }

        /** What a fresh result ran with: the bench/run command, its start, the JVM flags and the environment. */
        private JsonObject runInfo(List<String> flags, Map<String, String> environment) {
            JsonObject run = new JsonObject();
            run.addProperty("command", command);
            run.addProperty("started", started.toString());
            run.addProperty("jvm_flags", String.join(" ", flags));
            run.addProperty("environment", environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .reduce((a, b) -> a + " " + b).orElse(""));
            return run;
        }
    }
}
