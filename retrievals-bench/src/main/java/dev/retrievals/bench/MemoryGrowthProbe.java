package dev.retrievals.bench;

import ai.djl.engine.Engine;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.retrievals.core.diagnostics.ProcessMemory;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.TrainerControl;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainerState;

/**
 * Run in a fresh JVM per configuration: trains a real model for many steps on Chinese STS-B (CoSENT,
 * dynamic padding, length-grouped batches) and samples resident memory, the Java heap and the
 * number of live NDArrays every few steps, to tell a leak (growth without end) from allocator
 * caching (growth that levels off) on a real model.
 *
 * <p>Settings: {@code model} (bge-small-zh-v1.5), {@code batch} (32), {@code steps} (400),
 * {@code sample_every} (25), {@code gc} (false: true runs a full garbage collection before each sample), {@code out}.
 */
public final class MemoryGrowthProbe {
    private MemoryGrowthProbe() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("MemoryGrowthProbe", args).allow("model", "batch", "steps", "sample_every", "gc", "out");
        String id = settings.string("model", "bge-small-zh-v1.5");
        int batchSize = settings.integer("batch", 32);
        int steps = settings.integer("steps", 400);
        int every = settings.integer("sample_every", 25);
        boolean collectGarbage = Boolean.parseBoolean(settings.string("gc", "false"));
        JsonArray samples = new JsonArray();
        StsTrainingRun.Result run;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            run = StsTrainingRun.run(model, StsTrainingRun.chineseStsB(), batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED,
                    steps, 1, false, new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            if (state.globalStep() % every == 0) {
                                if (collectGarbage) {
                                    System.gc();
                                }
                                Runtime runtime = Runtime.getRuntime();
                                JsonObject sample = new JsonObject();
                                sample.addProperty("step", state.globalStep());
                                sample.addProperty("rss_mb", Math.round(ProcessMemory.residentKilobytes() / 1024.0));
                                sample.addProperty("heap_used_mb", (runtime.totalMemory() - runtime.freeMemory()) >> 20);
                                sample.addProperty("heap_committed_mb", runtime.totalMemory() >> 20);
                                sample.addProperty("live_ndarrays", ProcessMemory.liveNDArrays(Engine.getEngine("PyTorch")));
                                samples.add(sample);
                                System.out.println("memory " + sample);
                            }
                        }
                    });
        }
        JsonObject result = new JsonObject();
        result.addProperty("model", id);
        result.addProperty("batch", batchSize);
        result.addProperty("steps", steps);
        result.add("samples", samples);
        result.add("step_seconds", Stats.of(run.stepSeconds().stream().mapToDouble(Double::doubleValue).toArray()).toJson());
        result.addProperty("real_tokens_per_s", run.tokensPerSecond());
        result.addProperty("peak_rss_mb", Machine.peakResidentMegabytes());
        JsonFiles.write(settings.path("out"), result);
    }
}
