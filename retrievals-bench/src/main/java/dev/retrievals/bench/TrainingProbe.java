package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.core.diagnostics.ProcessMemory;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.TransformerConfig;
import dev.retrievals.trainer.TrainerControl;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainerState;
import java.time.Instant;

/**
 * Run in a fresh JVM per configuration: loads a model, trains a few real steps on Chinese STS-B
 * (dynamic padding, length-grouped batches) and reports the process's peak resident memory
 * ({@code VmHWM}), its resident memory once the model is loaded, the shape of every batch it
 * embedded (for the activation estimate) and the time from process start to the end of the first
 * training step.
 *
 * <p>Settings: {@code model} (bge-small-zh-v1.5), {@code batch} (32), {@code steps} (3),
 * {@code scoped} (true: forward passes release each layer's intermediates; false: they keep them
 * to the end of the step, as before scoping), {@code checkpointing} (false: true trains with
 * {@code gradient_checkpointing}), {@code out}.
 */
public final class TrainingProbe {
    private TrainingProbe() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("TrainingProbe", args).allow("model", "batch", "steps", "scoped", "checkpointing", "out");
        String id = settings.string("model", "bge-small-zh-v1.5");
        int batchSize = settings.integer("batch", 32);
        int steps = settings.integer("steps", 3);
        boolean scoped = Boolean.parseBoolean(settings.string("scoped", "true"));
        boolean checkpointing = Boolean.parseBoolean(settings.string("checkpointing", "false"));
        long processStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        JsonObject result = new JsonObject();
        long loaded;
        StsTrainingRun.Result run;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            loaded = System.currentTimeMillis();
            result.addProperty("rss_after_load_mb", ProcessMemory.residentKilobytes() / 1024.0);
            model.setScopedForward(scoped);
            BatchShapeRecorder shapes = new BatchShapeRecorder(model);
            run = StsTrainingRun.run(shapes, StsTrainingRun.chineseStsB(), batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED,
                    steps, 1, checkpointing, new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            shapes.endStep();
                        }
                    });
            result.add("engine_threads", Machine.engineThreads());
            result.add("batch_shapes", shapes.toJson());
            TransformerConfig config = model.config();
            JsonObject shape = new JsonObject();
            shape.addProperty("layers", config.numHiddenLayers());
            shape.addProperty("hidden", config.hiddenSize());
            shape.addProperty("heads", config.numAttentionHeads());
            shape.addProperty("intermediate", config.intermediateSize());
            shape.addProperty("parameters", model.parameters().values().stream().mapToLong(a -> a.size()).sum());
            result.add("model_shape", shape);
        }
        result.addProperty("model", id);
        result.addProperty("batch", batchSize);
        result.addProperty("steps", steps);
        result.addProperty("scoped", scoped);
        result.addProperty("checkpointing", checkpointing);
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
