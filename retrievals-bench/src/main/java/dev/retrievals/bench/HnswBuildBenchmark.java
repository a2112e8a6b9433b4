package dev.retrievals.bench;

import com.google.gson.JsonObject;
import com.sun.management.OperatingSystemMXBean;
import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.SearchIndex;
import dev.retrievals.core.search.SearchQueries;
import dev.retrievals.core.search.SearchRecall;
import dev.retrievals.index.retriever.ExactRetriever;
import dev.retrievals.index.retriever.HnswRetriever;
import dev.retrievals.index.store.CorpusStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The {@code hnsw} retriever's build on one thread against several: random unit vectors (as in
 * {@link MiningMillionBenchmark}) in a corpus store, the index built with each thread count in turn,
 * alternated round after round in one JVM (so load on a shared machine falls on both alike), each
 * build searched by the same queries for queries/s and recall@10 against exact search, after one
 * unrecorded warm-up build and search of each kind on a tenth of the corpus. Prints the build
 * seconds, the process's CPU seconds during the build (CPU over wall is the cores the build got:
 * on a shared machine the scheduler may give a process less than a core per thread) and the share
 * of them spent on the calling thread (the rest ran on the build pool's threads), queries/s
 * and recall of every build, the median ratio of build times, and the load average before and
 * after.
 *
 * <p>Settings: {@code documents} (50000), {@code dimension} (384), {@code queries} (200),
 * {@code rounds} (2), {@code threads} (2: compared with 1), {@code seed} (17), {@code out} (optional JSON file).
 * Not part of {@code bench/run}; run it from the checkout's root after building the classpath:
 *
 * <pre>
 * mvn -B -q -o -pl retrievals-bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
 * java -Xmx1g -Dai.djl.offline=true -cp "retrievals-bench/target/classes:$(cat retrievals-bench/target/classpath.txt)" \
 *     dev.retrievals.bench.HnswBuildBenchmark documents=50000 rounds=2
 * </pre>
 */
public final class HnswBuildBenchmark {
    private static final int K = 10;
    private static final OperatingSystemMXBean PROCESS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREAD_TIMES = ManagementFactory.getThreadMXBean();

    private HnswBuildBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) throws Exception {
        BenchArgs settings = BenchArgs.parse("HnswBuildBenchmark", args).allow("documents", "dimension", "queries", "rounds", "threads",
                "seed", "out");
        int documents = settings.integer("documents", 50_000);
        int dimension = settings.integer("dimension", 384);
        int queryCount = settings.integer("queries", 200);
        int rounds = settings.integer("rounds", 2);
        int many = settings.integer("threads", 2);
        long seed = settings.integer("seed", 17);
        JsonObject result = new JsonObject();
        result.addProperty("load_average_before", Machine.describe().get("load_average").getAsString());
        Path folder = StsTrainingRun.temporaryFolder();
        Map<Integer, List<Double>> builds = new LinkedHashMap<>();
        Map<Integer, List<Double>> cpus = new LinkedHashMap<>();
        Map<Integer, List<Double>> callerShares = new LinkedHashMap<>();
        Map<Integer, List<Double>> rates = new LinkedHashMap<>();
        Map<Integer, List<Double>> recalls = new LinkedHashMap<>();
        try (CorpusStore store = CorpusStore.builder(folder.resolve("store"))
                .encoder(new MiningMillionBenchmark.RandomVectors(dimension, seed), "random " + seed).batchSize(4096).chunkSize(65_536)
                .build(MiningMillionBenchmark.numbered(documents))) {
            float[][] queries = new float[queryCount][];
            RandomGenerator random = new SplittableRandom(seed - 1);
            for (int q = 0; q < queryCount; q++) {
                queries[q] = MiningMillionBenchmark.gaussian(random, dimension);
            }
            List<List<SearchHit>> truth;
            try (SearchIndex exact = ExactRetriever.create().index(store)) {
                truth = exact.search(SearchQueries.ofVectors(queries), K);
            }
            try (CorpusStore warmUp = CorpusStore.builder(folder.resolve("warm-up"))
                    .encoder(new MiningMillionBenchmark.RandomVectors(dimension, seed + 1), "random " + (seed + 1))
                    .build(MiningMillionBenchmark.numbered(Math.max(1, documents / 10)))) {
                for (int threads : new int[] {1, many}) {
                    deleteIndexes(warmUp);
                    try (SearchIndex hnsw = HnswRetriever.of(16, 100, 100, "none", true, threads).index(warmUp)) {
                        hnsw.search(SearchQueries.ofVectors(queries), K);
                    }
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (int threads : round % 2 == 0 ? new int[] {1, many} : new int[] {many, 1}) {
                    deleteIndexes(store);
                    long start = System.nanoTime();
                    long cpuStart = PROCESS.getProcessCpuTime();
                    long callerStart = THREAD_TIMES.getCurrentThreadCpuTime();
                    try (SearchIndex hnsw = HnswRetriever.of(16, 100, 100, "none", true, threads).index(store)) {
                        double build = (System.nanoTime() - start) / 1e9;
                        double cpu = (PROCESS.getProcessCpuTime() - cpuStart) / 1e9;
                        double caller = (THREAD_TIMES.getCurrentThreadCpuTime() - callerStart) / 1e9;
                        cpus.computeIfAbsent(threads, t -> new ArrayList<>()).add(cpu);
                        callerShares.computeIfAbsent(threads, t -> new ArrayList<>()).add(caller / cpu);
                        start = System.nanoTime();
                        List<List<SearchHit>> found = hnsw.search(SearchQueries.ofVectors(queries), K);
                        double rate = queryCount / ((System.nanoTime() - start) / 1e9);
                        double recall = SearchRecall.of(truth, found);
                        builds.computeIfAbsent(threads, t -> new ArrayList<>()).add(build);
                        rates.computeIfAbsent(threads, t -> new ArrayList<>()).add(rate);
                        recalls.computeIfAbsent(threads, t -> new ArrayList<>()).add(recall);
                        System.out.printf(Locale.ROOT,
                                "round %d, %d thread(s): build %.1f s (%.1f CPU s, %.0f %% of it on the calling thread), %.0f queries/s,"
                                        + " recall@10 %.4f (load %s)%n",
                                round, threads, build, cpu, 100 * caller / cpu, rate, recall,
                                Machine.describe().get("load_average").getAsString());
                    }
                }
            }
        } finally {
            StsTrainingRun.delete(folder);
        }
        for (int threads : builds.keySet()) {
            result.add("build_seconds_" + threads, Stats.of(builds.get(threads)).toJson());
            result.add("build_cpu_seconds_" + threads, Stats.of(cpus.get(threads)).toJson());
            result.add("build_cpu_share_of_calling_thread_" + threads, Stats.of(callerShares.get(threads)).toJson());
            result.add("queries_per_s_" + threads, Stats.of(rates.get(threads)).toJson());
            result.add("recall_at_10_" + threads, Stats.of(recalls.get(threads)).toJson());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ratios.add(builds.get(1).get(i) / builds.get(many).get(i));
        }
        result.add("build_speedup_" + many + "_over_1", Stats.of(ratios).toJson());
        result.addProperty("documents", documents);
        result.addProperty("dimension", dimension);
        result.addProperty("queries", queryCount);
        result.addProperty("processors", Runtime.getRuntime().availableProcessors());
        result.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
        if (!settings.string("out", "").isEmpty()) {
            JsonFiles.write(settings.path("out"), result);
        }
        System.out.println(result);
    }

    private static void deleteIndexes(CorpusStore store) {
        if (Files.exists(store.indexFolder())) {
            StsTrainingRun.delete(store.indexFolder()); // every build starts from no index
        }
    }
}
