package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LengthGroupedBatchSampler;
import dev.retrievals.core.data.ShuffledBatchSampler;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Effective training throughput (real tokens per second) on Chinese STS-B with its real lengths:
 * dynamic padding with length-grouped batches against every batch padded to 128 tokens. Rounds
 * alternate the two, each a short real {@code RetrievalTrainer} run (CoSENT, bge-small-zh-v1.5) with
 * a new data-order seed; the padding share of a whole epoch is counted for both.
 *
 * <p>Settings: {@code model} (bge-small-zh-v1.5), {@code batch} (32), {@code steps} per round (6),
 * {@code rounds} (5), {@code out}.
 */
public final class PaddingBenchmark {
    private PaddingBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("PaddingBenchmark", args).allow("model", "batch", "steps", "rounds", "out");
        String id = settings.string("model", "bge-small-zh-v1.5");
        int batchSize = settings.integer("batch", 32);
        int steps = settings.integer("steps", 6);
        int rounds = settings.integer("rounds", 5);
        Dataset data = StsTrainingRun.chineseStsB();
        JsonObject result = new JsonObject();
        result.addProperty("model", id);
        result.addProperty("batch", batchSize);
        result.addProperty("steps_per_round", steps);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            List<Map<String, Object>> rows = data.toList();
            result.addProperty("padding_share_dynamic", paddingShare(model, rows, batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED));
            result.addProperty("padding_share_fixed", paddingShare(model, rows, batchSize, StsTrainingRun.Padding.FIXED_128));
            StsTrainingRun.run(model, data, batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED, 2, 0); // warm-up
            List<Double> dynamic = new ArrayList<>();
            List<Double> fixed = new ArrayList<>();
            List<Double> speedups = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double d = StsTrainingRun.run(model, data, batchSize, StsTrainingRun.Padding.DYNAMIC_LENGTH_GROUPED, steps, round)
                        .tokensPerSecond();
                double f = StsTrainingRun.run(model, data, batchSize, StsTrainingRun.Padding.FIXED_128, steps, round).tokensPerSecond();
                dynamic.add(d);
                fixed.add(f);
                speedups.add(d / f);
                System.out.printf(Locale.ROOT, "round %d: dynamic %.0f, fixed-128 %.0f real tokens/s%n", round, d, f);
            }
            result.add("real_tokens_per_s_dynamic", Stats.of(dynamic).toJson());
            result.add("real_tokens_per_s_fixed", Stats.of(fixed).toJson());
            result.add("effective_speedup", Stats.of(speedups).toJson());
            result.add("engine_threads", Machine.engineThreads());
        }
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    /** The share of padded positions over one whole epoch of batches formed as {@code padding} says. */
    private static double paddingShare(AutoModelForEmbedding model, List<Map<String, Object>> rows, int batchSize,
            StsTrainingRun.Padding padding) {
        boolean fixed = padding == StsTrainingRun.Padding.FIXED_128;
        ScoredPairCollator collator = ScoredPairCollator.builder(model.tokenizer()).maxLength(StsTrainingRun.MAX_LENGTH)
                .padToMultipleOf(fixed ? StsTrainingRun.MAX_LENGTH : 1).build();
        List<int[]> batches = fixed ? new ShuffledBatchSampler(batchSize, false).batches(rows, 0)
                : LengthGroupedBatchSampler.byCharacters(batchSize, "sentence1", "sentence2").batches(rows, 0);
        double positions = 0;
        double padded = 0;
        for (int[] indices : batches) {
            List<Map<String, Object>> batchRows = new ArrayList<>();
            for (int index : indices) {
                batchRows.add(rows.get(index));
            }
            CollatedBatch batch = collator.collate(batchRows);
            for (TokenBatch tokens : batch.texts().values()) {
                double size = (double) tokens.batchSize() * tokens.sequenceLength();
                positions += size;
                padded += size * tokens.paddingShare();
            }
        }
        return padded / positions;
    }
}
