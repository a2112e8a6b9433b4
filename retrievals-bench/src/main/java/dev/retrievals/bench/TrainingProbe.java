package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.time.Instant;

/**
 * Run in a fresh JVM per configuration: loads a model, trains a few real steps on Chinese STS-B
 * (dynamic padding, length-grouped batches) and reports the process's peak resident memory
 * ({@code VmHWM}) and the time from process start to the end of the first training step.
 *
 * <p>Settings: {@code model} (bge-small-zh-v1.5), {@code batch} (32), {@code steps} (3), {@code out}.
 */
public final class TrainingProbe {
    private TrainingProbe() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("TrainingProbe", args).allow("model", "batch", "steps", "out");
        String id = settings.string("model", "bge-small-zh-v1.5");
        int batchSize = settings.integer("batch", 32);
        int steps = settings.integer("steps", 3);
        long processStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        JsonObject result = new JsonObject();
        long loaded;
        StsTrainingRun.Result run;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            loaded = System.currentTimeMillis();
            run = StsTrainingRun.run(model, StsTrainingRun.chineseStsB(), batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED,
                    steps, 1);
            result.add("engine_threads", Machine.engineThreads());
        }
        result.addProperty("model", id);
        result.addProperty("batch", batchSize);
        result.addProperty("steps", steps);
        result.addProperty("peak_rss_mb", Machine.peakResidentMegabytes());
        result.addProperty("seconds_to_model_loaded", (loaded - processStart) / 1e3);
        result.addProperty("seconds_to_first_step", (run.firstStepEndMillis() - processStart) / 1e3);
        result.addProperty("first_step_seconds", run.stepSeconds().get(0));
        result.add("later_step_seconds", run.stepSeconds().size() > 1
                ? Stats.of(run.stepSeconds().subList(1, run.stepSeconds().size())).toJson() : Stats.of(run.stepSeconds()).toJson());
        result.addProperty("real_tokens_per_s", run.tokensPerSecond());
        result.addProperty("finished", Instant.now().toString());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }
}
