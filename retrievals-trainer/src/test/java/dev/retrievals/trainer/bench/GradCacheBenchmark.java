package dev.retrievals.trainer.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.diagnostics.ProcessMemory;
import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.ChildProcessTimeoutException;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.RetrievalTrainer;
import dev.retrievals.trainer.TrainerControl;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainerState;
import dev.retrievals.trainer.TrainingArguments;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Peak resident memory and optimizer-step time of InfoNCE training on bge-small-zh-v1.5 (Chinese
 * STS-B pairs as (query, positive), at most {@value #MAX_LENGTH} tokens, AdamW, clipping): the
 * plain path at several batch sizes against gradient caching with mini-batches of 32 at batch 512
 * and 1024. Each configuration runs in a fresh JVM so peaks (VmHWM from {@code /proc/self/status})
 * do not mix. Writes {@code docs/benchmarks-gradcache.md} and {@code docs/benchmarks-gradcache.json}.
 *
 * <p>Run (exec:java with {@code -am} would also start it in retrievals-pytorch, which has its own
 * benchmark, so take the classpath from Maven and start Java directly):
 *
 * <pre>
 * mvn -q -o -pl retrievals-trainer -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * cd retrievals-trainer &amp;&amp; java -Dretrievals.data.dir=../../shared/data -Dgradcache.docs=../docs \
 *     -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) dev.retrievals.trainer.bench.GradCacheBenchmark \
 *     [steps batch:miniBatch ...]   (miniBatch 0 = plain path; default: 2 32:0 128:0 256:0 512:32 1024:32)
 * </pre>
 */
public final class GradCacheBenchmark {
    static final int MAX_LENGTH = 64;
    private static final String RESULT = "GRADCACHE_RESULT ";
    private static final String MODEL = "bge-small-zh-v1.5";

    private GradCacheBenchmark() {}

    /** Entry point: the driver (steps, then batch:miniBatch pairs), or {@code run batch miniBatch steps} in a child JVM. */
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (args.length > 0 && args[0].equals("run")) {
            JsonObject result = runOne(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            System.out.println(RESULT + result);
            return;
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        List<String> configurations = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of("32:0", "128:0", "256:0", "512:32", "1024:32");
        List<JsonObject> results = new ArrayList<>();
        for (String configuration : configurations) {
            String[] parts = configuration.split(":");
            JsonObject result = inFreshJvm(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), steps);
            System.out.println(result);
            results.add(result);
        }
        write(results);
    }

    /** Trains {@code steps} optimizer steps in this JVM and measures them. */
    private static JsonObject runOne(int batch, int miniBatch, int steps) throws IOException {
        Path data = SharedData.folder();
        Dataset pairs = Dataset.fromJsonl(data.resolve("sts-b-zh/train.jsonl")).take((long) batch * steps)
                .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
        Path output = Files.createTempDirectory("gradcache-bench");
        List<Double> stepSeconds = new ArrayList<>();
        String stopReason = "";
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(MODEL)) {
            TrainingArguments args = TrainingArguments.builder(output).batchSize(batch).gradientCacheMiniBatchSize(miniBatch)
                    .maxSteps(steps).learningRate(2e-5).saveStrategy("no").disableProgressBar(true).loggingSteps(1).build();
            TrainerListener timer = new TrainerListener() {
                private long start = System.nanoTime();

                @Override
                public void onStepEnd(TrainerState state, TrainerControl control) {
                    long now = System.nanoTime();
                    stepSeconds.add((now - start) / 1e9);
                    start = now;
                }
            };
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(pairs)
                    .collator(new PairCollator(model.tokenizer(), MAX_LENGTH, MAX_LENGTH))
                    .loss(InfoNCE.builder().build()).listener(timer).build()) {
                TrainerState state = trainer.train();
                if (state.globalStep() < steps) {
                    stopReason = String.format(Locale.ROOT, "training stopped at step %d (loss %s, gradient norm %s)",
                            state.globalStep(), state.lastLoss(), state.gradientNorm());
                }
            }
        } finally {
            deleteRecursively(output);
        }
        JsonObject result = new JsonObject();
        result.addProperty("model", MODEL);
        result.addProperty("batch", batch);
        result.addProperty("mini_batch", miniBatch);
        result.addProperty("path", miniBatch > 0 ? "gradient cache" : "plain");
        result.addProperty("steps", steps);
        if (!stopReason.isEmpty()) {
            result.addProperty("failed", stopReason);
            result.addProperty("peak_rss_mb_until_stop", ProcessMemory.peakResidentKilobytes() / 1024);
            return result;
        }
        result.addProperty("first_step_seconds", stepSeconds.get(0));
        result.addProperty("last_step_seconds", stepSeconds.get(stepSeconds.size() - 1));
        result.addProperty("peak_rss_mb", ProcessMemory.peakResidentKilobytes() / 1024);
        return result;
    }

    /** How long one configuration may run before its JVM is destroyed. */
    private static final java.time.Duration CHILD_DEADLINE = java.time.Duration.ofHours(1);

    /** Runs one configuration in a new JVM with this process's test classpath; returns its result line. */
    private static JsonObject inFreshJvm(int batch, int miniBatch, int steps) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dretrievals.data.dir=" + SharedData.folder(),
                "-cp", classpath(), GradCacheBenchmark.class.getName(), "run", String.valueOf(batch), String.valueOf(miniBatch),
                String.valueOf(steps)));
        JsonObject result = null;
        String exit;
        try (ChildProcess child = ChildProcess.start(new ProcessBuilder(command).redirectErrorStream(true), CHILD_DEADLINE)) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith(RESULT)) {
                        result = JsonParser.parseString(line.substring(RESULT.length())).getAsJsonObject();
                    } else {
                        System.out.println("  [batch " + batch + "/" + miniBatch + "] " + line);
                    }
                }
            }
            exit = "exited with " + child.waitFor();
        } catch (ChildProcessTimeoutException e) {
            exit = e.getMessage();
        }
        if (result == null) {
            result = new JsonObject();
            result.addProperty("model", MODEL);
            result.addProperty("batch", batch);
            result.addProperty("mini_batch", miniBatch);
            result.addProperty("path", miniBatch > 0 ? "gradient cache" : "plain");
            result.addProperty("failed", "child JVM " + exit + " without a result");
        }
        return result;
    }

    /** The test classpath: the context class loader's URLs under exec:java, else {@code java.class.path}. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("Classpath entry " + url + " is not a file", e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /**
     * Writes both files. Runs already in {@code benchmarks-gradcache.json} for configurations not run
     * this time are kept, so a configuration can be added or repeated alone.
     */
    private static void write(List<JsonObject> fresh) throws IOException {
        Path docs = Path.of(System.getProperty("gradcache.docs", "docs"));
        Files.createDirectories(docs);
        List<JsonObject> results = new ArrayList<>(fresh);
        Path previous = docs.resolve("benchmarks-gradcache.json");
        if (Files.isRegularFile(previous)) {
            for (var run : JsonParser.parseString(Files.readString(previous)).getAsJsonObject().getAsJsonArray("gradcache_runs")) {
                JsonObject old = run.getAsJsonObject();
                if (fresh.stream().noneMatch(r -> configuration(r).equals(configuration(old)))) {
                    results.add(old);
                }
            }
        }
        results.sort(Comparator.comparing((JsonObject r) -> r.get("mini_batch").getAsInt() > 0).thenComparing(r -> r.get("batch").getAsInt()));
        Map<String, Object> json = new LinkedHashMap<>();
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        results.stream().filter(r -> r.get("batch").getAsInt() == 512 && r.get("mini_batch").getAsInt() > 0 && r.has("peak_rss_mb"))
                .findFirst().ifPresent(r -> json.put("memory.gradcache_peak_rss_mb_batch512", r.get("peak_rss_mb").getAsLong()));
        json.put("gradcache_runs", results);
        Files.writeString(docs.resolve("benchmarks-gradcache.json"), gson.toJson(json) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("## Gradient caching (issue 11)\n\n");
        md.append(String.format(Locale.ROOT, "InfoNCE fine-tuning of %s on Chinese STS-B pairs (query = sentence1, positive ="
                + " sentence2, at most %d tokens, padded to the batch's longest), AdamW with clipping at 1.0, each configuration in a fresh JVM (`-Xmx4g`, one inter-op thread) on %d shared cores."
                + " Peak RSS is `VmHWM` of that JVM at the end (model load included). Step time is the last step's (the"
                + " first includes warm-up; where only one step ran, they are the same). Other workers shared the machine, so times are indicative. Produced by"
                + " `GradCacheBenchmark` (retrievals-trainer test sources).%n%n",
                MODEL, MAX_LENGTH, Runtime.getRuntime().availableProcessors()));
        md.append("| path | batch (pairs) | mini-batch | steps | peak RSS (MB) | step time (s) | s per 1,000 pairs | first step (s) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonObject r : results) {
            if (r.has("failed")) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | failed: %s | | | |%n", r.get("path").getAsString(),
                        r.get("batch").getAsInt(), miniBatchCell(r), r.has("steps") ? r.get("steps").getAsString() : "",
                        r.get("failed").getAsString()));
            } else {
                double last = r.get("last_step_seconds").getAsDouble();
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %.1f | %.0f | %.1f |%n", r.get("path").getAsString(),
                        r.get("batch").getAsInt(), miniBatchCell(r), r.get("steps").getAsInt(), r.get("peak_rss_mb").getAsLong(), last,
                        1000 * last / r.get("batch").getAsInt(), r.get("first_step_seconds").getAsDouble()));
            }
        }
        md.append("\nWith `gradient_cache_mini_batch_size` the loss still sees the whole batch (each query meets every other"
                + " pair's positive as a negative), so a cached batch of 512 gives the gradients of a plain batch of 512; memory"
                + " holds one chunk's activations plus the batch's embeddings, so the peak stays near the plain path's at the"
                + " chunk size while the plain path's peak grows with the batch. The price is time: every chunk is encoded"
                + " twice (the first time only for its embeddings).\n");
        Files.writeString(docs.resolve("benchmarks-gradcache.md"), md.toString());
        System.out.print(md);
    }

    private static String configuration(JsonObject result) {
        return result.get("batch").getAsInt() + ":" + result.get("mini_batch").getAsInt();
    }

    private static String miniBatchCell(JsonObject result) {
        int miniBatch = result.get("mini_batch").getAsInt();
        return miniBatch > 0 ? String.valueOf(miniBatch) : "—";
    }

    private static void deleteRecursively(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
