package dev.retrievals.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.TransformerConfig;
import dev.retrievals.trainer.optim.AdamW;
import dev.retrievals.trainer.optim.GradientClipping;
import dev.retrievals.trainer.optim.ParameterGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One training step (forward, backward, gradient clipping, AdamW) of a model at a fixed shape, with
 * every position a real token, against the fp32 matrix-multiply rate of the same engine measured in
 * the same process between steps. Model FLOPs per step are {@code 6 × non-embedding parameters ×
 * tokens + 12 × layers × hidden × sequence × tokens} (the attention matmuls, forward and backward).
 * Rounds cycle through three kinds, so the page shows each comparison from one process: the fused
 * optimizer ({@link AdamW}, {@link GradientClipping}) with scoped forward passes (the figures); the
 * same with scoping off (the forward pass before scoping; the effect of scoping is the ratio of a
 * scoped round to the unscoped round after it); and the element-wise {@link UnfusedOptimizerBaseline}.
 *
 * <p>Settings: {@code model} (all-MiniLM-L6-v2), {@code batch} (32), {@code length} (128),
 * {@code rounds} (12), {@code out} (the JSON result file).
 */
public final class TrainingStepBenchmark {
    private static final double LEARNING_RATE = 2e-5;
    /** The trainer's default (as Hugging Face's): no weight decay. */
    private static final double WEIGHT_DECAY = 0.0;
    private static final int MATMUL_REPEATS = 3;

    private final AutoModelForEmbedding model;
    private final TokenBatch batch;
    private final Loss loss = InfoNCE.builder().build();
    private final Engine engine = Engine.getEngine("PyTorch");

    private TrainingStepBenchmark(AutoModelForEmbedding model, TokenBatch batch) {
        this.model = model;
        this.batch = batch;
    }

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("TrainingStepBenchmark", args).allow("model", "batch", "length", "rounds", "out");
        String id = settings.string("model", "all-MiniLM-L6-v2");
        int batchSize = settings.integer("batch", 32);
        int length = settings.integer("length", 128);
        int rounds = settings.integer("rounds", 12);
        if (rounds < 3) {
            throw new IllegalArgumentException("TrainingStepBenchmark: rounds=" + rounds + " is below 3, one round of each kind");
        }
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            TokenBatch batch = fullBatch(batchSize, length, model.config().vocabSize(), model.tokenizer().padId());
            JsonObject result = new TrainingStepBenchmark(model, batch).run(rounds);
            result.addProperty("model", id);
            JsonFiles.write(settings.path("out"), result);
            System.out.println(result);
        }
    }

    /** Random token ids (never the padding id), every position real: the shape's full cost. */
    static TokenBatch fullBatch(int batchSize, int length, int vocabulary, long padId) {
        Random random = new Random(42);
        long[][] ids = new long[batchSize][length];
        long[][] mask = new long[batchSize][length];
        long[][] types = new long[batchSize][length];
        for (int row = 0; row < batchSize; row++) {
            for (int column = 0; column < length; column++) {
                long id;
                do {
                    id = 1 + random.nextInt(vocabulary - 1);
                } while (id == padId);
                ids[row][column] = id;
                mask[row][column] = 1;
            }
        }
        return new TokenBatch(ids, mask, types);
    }

    private JsonObject run(int rounds) {
        TransformerConfig config = model.config();
        model.train();
        Map<String, NDArray> parameters = model.trainableParameters();
        long all = 0;
        long embeddings = 0;
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            long size = entry.getValue().size();
            all += size;
            if (entry.getKey().contains("_embeddings.")) {
                embeddings += size;
            }
        }
        long tokens = (long) batch.batchSize() * batch.sequenceLength();
        double flops = 6.0 * (all - embeddings) * tokens
                + 12.0 * config.numHiddenLayers() * config.hiddenSize() * batch.sequenceLength() * tokens;
        List<Double> stepSeconds = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> matmulRates = new ArrayList<>();
        List<Double> forwardBackward = new ArrayList<>();
        List<Double> forwardBackwardShare = new ArrayList<>();
        List<Double> clipFused = new ArrayList<>();
        List<Double> clipBaseline = new ArrayList<>();
        List<Double> adamFused = new ArrayList<>();
        List<Double> adamBaseline = new ArrayList<>();
        List<Double> unscopedSeconds = new ArrayList<>();
        List<Double> unscopedRatios = new ArrayList<>();
        List<Double> scopingEffect = new ArrayList<>();
        try (NDManager scope = model.newScope();
                AdamW adam = new AdamW(new ParameterGroups(LEARNING_RATE, WEIGHT_DECAY).build(parameters, Map.of()), 0.9, 0.999, 1e-8);
                UnfusedOptimizerBaseline baseline = new UnfusedOptimizerBaseline(parameters, scope)) {
            NDArray activations = scope.randomNormal(new Shape(tokens, config.hiddenSize()));
            NDArray weight = scope.randomNormal(new Shape(config.hiddenSize(), config.intermediateSize()));
            double matmulFlops = 2.0 * tokens * config.hiddenSize() * config.intermediateSize() * MATMUL_REPEATS;
            matmulSeconds(activations, weight, scope); // warm-up
            step(parameters, adam, baseline, scope, true);
            for (int round = 0; round < rounds; round++) {
                double matmulRate = matmulFlops / matmulSeconds(activations, weight, scope);
                // Rounds cycle through: fused optimizer with scoped forward passes (the figures), the same without scoping
                // (the forward pass before scoping), and the element-wise optimizer (scoped).
                int kind = round % 3;
                boolean fused = kind != 2;
                model.setScopedForward(kind != 1);
                double[] phases = step(parameters, adam, baseline, scope, fused);
                forwardBackward.add(phases[0]);
                (fused ? clipFused : clipBaseline).add(phases[1]);
                (fused ? adamFused : adamBaseline).add(phases[2]);
                double seconds = phases[0] + phases[1] + phases[2];
                if (kind == 0) {
                    stepSeconds.add(seconds);
                    forwardBackwardShare.add(phases[0] / seconds);
                    matmulRates.add(matmulRate);
                    ratios.add(flops / seconds / matmulRate);
                } else if (kind == 1) {
                    unscopedSeconds.add(seconds);
                    unscopedRatios.add(flops / seconds / matmulRate);
                    scopingEffect.add(ratios.get(ratios.size() - 1) / unscopedRatios.get(unscopedRatios.size() - 1));
                }
                System.out.printf(Locale.ROOT, "round %d (%s optimizer, %s): forward+backward %.3f s, clip %.3f s, adam %.3f s, matmul %.1f GFLOP/s%n",
                        round + 1, fused ? "fused" : "element-wise", kind == 1 ? "unscoped" : "scoped", phases[0], phases[1], phases[2],
                        matmulRate / 1e9);
            }
        }
        model.setScopedForward(true);
        model.eval();
        Stats step = Stats.of(stepSeconds);
        JsonObject json = new JsonObject();
        json.addProperty("batch", batch.batchSize());
        json.addProperty("length", batch.sequenceLength());
        json.addProperty("layers", config.numHiddenLayers());
        json.addProperty("hidden", config.hiddenSize());
        json.addProperty("heads", config.numAttentionHeads());
        json.addProperty("parameters", all);
        json.addProperty("non_embedding_parameters", all - embeddings);
        json.addProperty("flops_per_step", flops);
        json.add("step_seconds", step.toJson());
        json.add("tokens_per_s", Stats.of(stepSeconds.stream().mapToDouble(s -> tokens / s).toArray()).toJson());
        json.add("model_flops_per_s", Stats.of(stepSeconds.stream().mapToDouble(s -> flops / s).toArray()).toJson());
        json.add("matmul_flops_per_s", Stats.of(matmulRates).toJson());
        json.add("matmul_ratio", Stats.of(ratios).toJson());
        json.add("step_seconds_unscoped", Stats.of(unscopedSeconds).toJson());
        json.add("matmul_ratio_unscoped", Stats.of(unscopedRatios).toJson());
        json.add("matmul_ratio_scoped_over_unscoped", Stats.of(scopingEffect).toJson());
        json.add("forward_backward_seconds", Stats.of(forwardBackward).toJson());
        json.add("forward_backward_share", Stats.of(forwardBackwardShare).toJson());
        json.add("clip_seconds_fused", Stats.of(clipFused).toJson());
        json.add("clip_seconds_elementwise", Stats.of(clipBaseline).toJson());
        json.add("adam_seconds_fused", Stats.of(adamFused).toJson());
        json.add("adam_seconds_elementwise", Stats.of(adamBaseline).toJson());
        json.add("native_call_microseconds", Stats.of(nativeCallMicroseconds()).toJson());
        json.add("engine_threads", Machine.engineThreads());
        return json;
    }

    /** Seconds of {@value #MATMUL_REPEATS} fp32 matmuls of the model's feed-forward shape. */
    private static double matmulSeconds(NDArray activations, NDArray weight, NDManager scope) {
        try (NDManager sub = scope.newSubManager()) {
            long start = System.nanoTime();
            for (int i = 0; i < MATMUL_REPEATS; i++) {
                activations.matMul(weight).attach(sub);
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** One training step; returns the seconds of forward+backward, clipping and the optimizer update. */
    private double[] step(Map<String, NDArray> parameters, AdamW adam, UnfusedOptimizerBaseline baseline, NDManager scope,
            boolean fused) {
        long start = System.nanoTime();
        try (NDManager sub = model.newScope(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray embedded = model.embed(batch, sub);
            long half = batch.batchSize() / 2;
            NDArray value = loss.forward(LossInputs.of(Map.of(
                    LossInputs.QUERY, embedded.get(new NDIndex("0:{}", half)),
                    LossInputs.POSITIVE, embedded.get(new NDIndex("{}:{}", half, 2 * half)))));
            value.toType(DataType.FLOAT64, false).getDouble();
            collector.backward(value);
        }
        long backward = System.nanoTime();
        if (fused) {
            GradientClipping.clip(parameters.values(), 1.0, scope);
        } else {
            UnfusedOptimizerBaseline.clip(parameters.values(), 1.0, scope);
        }
        long clipped = System.nanoTime();
        if (fused) {
            adam.step(1.0);
        } else {
            baseline.step(LEARNING_RATE, WEIGHT_DECAY);
        }
        long updated = System.nanoTime();
        adam.zeroGradients();
        return new double[] {(backward - start) / 1e9, (clipped - backward) / 1e9, (updated - clipped) / 1e9};
    }

    /** The cost of one small native call (an add of two 1-element arrays), in microseconds, in 5 rounds of 2,000. */
    private static double[] nativeCallMicroseconds() {
        double[] rounds = new double[5];
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.ones(new Shape(1));
            for (int round = 0; round < rounds.length; round++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray b = sub.ones(new Shape(1));
                    long start = System.nanoTime();
                    for (int i = 0; i < 2000; i++) {
                        b.add(a);
                    }
                    rounds[round] = (System.nanoTime() - start) / 1e3 / 2000;
                }
            }
        }
        return rounds;
    }
}
