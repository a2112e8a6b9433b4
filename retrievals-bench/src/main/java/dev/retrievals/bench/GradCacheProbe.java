package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.TrainerListener;
import dev.retrievals.trainer.TrainingArguments;

/**
 * Run in a fresh JVM: InfoNCE fine-tuning of bge-small-zh-v1.5 on Chinese STS-B pairs (query =
 * sentence1, positive = sentence2, at most {@value #MAX_LENGTH} tokens) with gradient caching, a
 * large batch in chunks; reports the peak resident memory ({@code VmHWM}) and the step times. The
 * configuration of {@code docs/benchmarks-gradcache.md}, measured by {@code bench/run} with the
 * command's settings.
 *
 * <p>Settings: {@code batch} (512), {@code mini_batch} (32), {@code steps} (1), {@code out}.
 */
public final class GradCacheProbe {
    static final int MAX_LENGTH = 64;
    private static final String MODEL = "bge-small-zh-v1.5";

    private GradCacheProbe() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("GradCacheProbe", args).allow("batch", "mini_batch", "steps", "out");
        int batch = settings.integer("batch", 512);
        int miniBatch = settings.integer("mini_batch", 32);
        int steps = settings.integer("steps", 1);
        Dataset pairs = Dataset.fromJsonl(BenchData.file(BenchData.STS_B_ZH_TRAIN)).take((long) batch * steps)
                .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
        StsTrainingRun.Result run;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(MODEL)) {
            run = StsTrainingRun.train(model, pairs, new PairCollator(model.tokenizer(), MAX_LENGTH, MAX_LENGTH), InfoNCE.builder().build(),
                    output -> TrainingArguments.builder(output).batchSize(batch).gradientCacheMiniBatchSize(miniBatch).maxSteps(steps)
                            .learningRate(2e-5).saveStrategy("no").disableProgressBar(true).loggingSteps(1).build(),
                    new TrainerListener() {});
        }
        if (run.stepSeconds().size() < steps) {
            throw new IllegalStateException("Training stopped after " + run.stepSeconds().size() + " of " + steps + " steps");
        }
        JsonObject result = new JsonObject();
        result.addProperty("model", MODEL);
        result.addProperty("batch", batch);
        result.addProperty("mini_batch", miniBatch);
        result.addProperty("steps", steps);
        result.addProperty("max_length", MAX_LENGTH);
        result.add("step_seconds", Stats.of(run.stepSeconds()).toJson());
        result.addProperty("peak_rss_mb", Machine.peakResidentMegabytes());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }
}
