package dev.retrievals.bench;

import com.google.gson.JsonObject;
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
 * {@code benchmarks.json}. The main figures use the recommended settings ({@link #TUNED_FLAGS},
 * {@link #TUNED_ENVIRONMENT}); two extra training-step runs right after the main one each drop one
 * setting, so the page shows what each is worth.
 *
 * <p>Settings ({@code key=value}): {@code docs} (folder for the page, default {@code docs}),
 * {@code work} (folder for raw results), {@code train_rounds} (8), {@code padding_rounds} (5),
 * {@code padding_steps} (6), {@code inference_rounds} (5), {@code inference_texts} (10000),
 * {@code pytorch_texts} (2000),
 * {@code memory_repeats} (3), {@code memory_steps} (3), {@code growth_steps} (400), {@code mining_documents} (1000000: the
 * random corpus of the large mining run), {@code mining_rounds} (3), {@code mining_encode_documents} (empty: the whole SciFact corpus;
 * else time only the first that many) with {@code mining_store} (a kept SciFact store to search instead), {@code mining_hnsw} (true; false skips HNSW on the
 * million vectors); {@code report_only=true} runs nothing and
 * rewrites the page from the results already in {@code work}; {@code only=train,padding} runs only
 * the benchmarks whose names start with one of those words and reuses the other results in {@code work}, or, where
 * {@code work} has none, those recorded in the existing {@code benchmarks.json}. The page's machine table then stays
 * that of the run that measured the rest, and the partial run is listed under it.
 */
public final class BenchmarkRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkRunner.class);
    /** JVM flags of the main figures: one inter-op thread (DESIGN.md §4). */
    static final List<String> TUNED_FLAGS = List.of("-Xmx4g", "-Dai.djl.pytorch.num_interop_threads=1");
    /**
     * glibc malloc settings of the main figures: keep freed large blocks in the heap instead of
     * returning them to the kernel, so libtorch's per-step temporaries (tens of MB each for an
     * embedding table) do not page-fault fresh memory every step.
     */
    static final Map<String, String> TUNED_ENVIRONMENT = Map.of(
            "MALLOC_MMAP_THRESHOLD_", "4294967296", "MALLOC_TRIM_THRESHOLD_", "4294967296", "MALLOC_TOP_PAD_", "536870912");

    /**
     * glibc malloc setting that trades speed for resident memory: every block of 1 MiB or more is
     * mapped on its own and returned to the kernel when freed (the default threshold rises with
     * the largest block freed, after which libtorch's activations stay in malloc's heap).
     */
    static final Map<String, String> LEAN_ENVIRONMENT = Map.of("MALLOC_MMAP_THRESHOLD_", "1048576");

    private BenchmarkRunner() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("BenchmarkRunner", args).allow("docs", "work", "train_rounds", "padding_rounds",
                "padding_steps", "inference_rounds", "inference_texts", "pytorch_texts", "memory_repeats", "memory_steps", "growth_steps",
                "mining_documents", "mining_rounds", "mining_encode_documents", "mining_store", "mining_hnsw", "report_only", "only");
        Path docs = Path.of(settings.string("docs", "docs"));
        Path work = Path.of(settings.string("work", "retrievals-bench/target/bench-results"));
        int trainRounds = settings.integer("train_rounds", 8);
        Instant started = Instant.now();
        JsonObject machineBefore = Machine.describe();
        Map<String, JsonObject> results = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        boolean reportOnly = Boolean.parseBoolean(settings.string("report_only", "false"));
        List<String> only = settings.string("only", "").isEmpty() ? List.of() : List.of(settings.string("only", "").split(","));
        JsonObject previous = Files.isRegularFile(docs.resolve("benchmarks.json")) ? JsonFiles.read(docs.resolve("benchmarks.json")) : null;
        JsonObject previousResults = previous != null && previous.has("details") ? previous.getAsJsonObject("details") : new JsonObject();
        Runner runner = new Runner(work, results, failures, name -> reportOnly || (!only.isEmpty() && only.stream().noneMatch(name::startsWith)),
                previousResults);

        runner.run("train_minilm", TrainingStepBenchmark.class, TUNED_FLAGS, TUNED_ENVIRONMENT,
                "model=all-MiniLM-L6-v2", "rounds=" + trainRounds);
        int abRounds = Math.max(4, trainRounds / 2);
        runner.run("train_minilm_default_malloc", TrainingStepBenchmark.class, TUNED_FLAGS, Map.of(),
                "model=all-MiniLM-L6-v2", "rounds=" + abRounds);
        runner.run("train_minilm_default_interop", TrainingStepBenchmark.class, List.of("-Xmx4g"), TUNED_ENVIRONMENT,
                "model=all-MiniLM-L6-v2", "rounds=" + abRounds);
        runner.run("train_bge", TrainingStepBenchmark.class, TUNED_FLAGS, TUNED_ENVIRONMENT,
                "model=bge-small-zh-v1.5", "rounds=" + trainRounds);
        runner.run("padding", PaddingBenchmark.class, TUNED_FLAGS, TUNED_ENVIRONMENT,
                "rounds=" + settings.integer("padding_rounds", 5), "steps=" + settings.integer("padding_steps", 6));
        runner.run("inference", InferenceBenchmark.class, TUNED_FLAGS, TUNED_ENVIRONMENT,
                "rounds=" + settings.integer("inference_rounds", 5), "texts=" + settings.integer("inference_texts", 10_000), "pytorch_texts=" + settings.integer("pytorch_texts", 2000));
        int repeats = settings.integer("memory_repeats", 3);
        int steps = settings.integer("memory_steps", 3);
        for (int batch : new int[] {32, 128, 512}) {
            for (int repeat = 1; repeat <= repeats; repeat++) {
                runner.run("memory_batch" + batch + "_" + repeat, TrainingProbe.class, TUNED_FLAGS, TUNED_ENVIRONMENT,
                        "batch=" + batch, "steps=" + steps);
            }
        }
        // One intra-op thread against the engine's default, next to each other: on an oversubscribed
        // machine, OpenMP threads wait in barriers for a descheduled peer at every parallel op.
        List<String> oneThread = new ArrayList<>(TUNED_FLAGS);
        oneThread.add("-Dai.djl.pytorch.num_threads=1");
        for (int repeat = 1; repeat <= repeats; repeat++) {
            runner.run("threads_default_" + repeat, TrainingProbe.class, TUNED_FLAGS, TUNED_ENVIRONMENT, "batch=32", "steps=4");
            runner.run("threads_intra1_" + repeat, TrainingProbe.class, oneThread, TUNED_ENVIRONMENT, "batch=32", "steps=4");
        }
        // Long runs with glibc's default allocator (as ./retrievals runs), again with a collection before each
        // sample, and with large blocks always mapped and returned (the lean setting).
        int growthSteps = settings.integer("growth_steps", 400);
        String sampleEvery = "sample_every=" + Math.max(1, growthSteps / 10);
        runner.run("memory_growth", MemoryGrowthProbe.class, TUNED_FLAGS, Map.of(), "steps=" + growthSteps, sampleEvery);
        runner.run("memory_growth_gc", MemoryGrowthProbe.class, TUNED_FLAGS, Map.of(), "steps=" + growthSteps, sampleEvery, "gc=true");
        runner.run("memory_growth_lean", MemoryGrowthProbe.class, TUNED_FLAGS, LEAN_ENVIRONMENT, "steps=" + growthSteps, sampleEvery);
        // The large mining runs: SciFact's real vectors (corpus encoding, exact and HNSW search), then a million random ones.
        runner.run(MiningSection.SCIFACT, MiningSciFactBenchmark.class, TUNED_FLAGS, Map.of(),
                "rounds=" + settings.integer("mining_rounds", 3), "encode_documents=" + settings.string("mining_encode_documents", ""),
                "store=" + settings.string("mining_store", ""));
        runner.run(MiningSection.MILLION, MiningMillionBenchmark.class, List.of("-Xmx2g"), Map.of(),
                "documents=" + settings.integer("mining_documents", 1_000_000), "hnsw=" + settings.string("mining_hnsw", "true"));
        JsonObject machine = machineBefore;
        machine.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        machine.addProperty("started", started.toString());
        machine.addProperty("command", ("bench/run " + String.join(" ", java.util.Arrays.stream(args)
                .filter(a -> !a.startsWith("docs=") && !a.startsWith("work=")).toList())).trim());
        machine.addProperty("minutes", Duration.between(started, Instant.now()).toSeconds() / 60.0);
        if (!only.isEmpty() && !reportOnly && previous != null && previous.has("machine")) {
            machine = PartialRuns.keepHeader(previous.getAsJsonObject("machine"), machine, runner.ran());
        } else if (reportOnly && previous != null && previous.has("machine")) {
            machine = previous.getAsJsonObject("machine");
        }
        BenchmarkReport report = new BenchmarkReport(machine, results, failures, repeats);
        report.write(docs.resolve("benchmarks.md"), docs.resolve("benchmarks.json"));
        LOG.info("Wrote {} and {} in {} min", docs.resolve("benchmarks.md"), docs.resolve("benchmarks.json"),
                String.format("%.1f", machine.get("minutes").getAsDouble()));
        if (!failures.isEmpty()) {
            LOG.error("Failed: {}", failures);
            System.exit(1);
        }
    }

    /** Runs child benchmarks and collects their JSON results by name. */
    private record Runner(Path work, Map<String, JsonObject> results, List<String> failures, Predicate<String> reuse,
            JsonObject previous, List<String> ran) {
        Runner(Path work, Map<String, JsonObject> results, List<String> failures, Predicate<String> reuse, JsonObject previous) {
            this(work, results, failures, reuse, previous, new ArrayList<>());
        }

        void run(String name, Class<?> benchmark, List<String> flags, Map<String, String> environment, String... args) {
            Path out = work.resolve(name + ".json");
            if (reuse.test(name)) {
                if (Files.isRegularFile(out)) {
                    results.put(name, JsonFiles.read(out));
                } else if (previous.has(name)) {
                    results.put(name, previous.getAsJsonObject(name));
                } else {
                    failures.add(name + " (no result in " + work + " or the existing benchmarks.json)");
                }
                return;
            }
            ran.add(name);
            List<String> all = new ArrayList<>(List.of(args));
            all.add("out=" + out);
            try {
                Files.deleteIfExists(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            int exit = ChildJvm.run(benchmark, flags, environment, all);
            if (exit == 0 && Files.isRegularFile(out)) {
                results.put(name, JsonFiles.read(out));
            } else {
                failures.add(name + " (exit " + exit + ")");
            }
        }
    }
}
