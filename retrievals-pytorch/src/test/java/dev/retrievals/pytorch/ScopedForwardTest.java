package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.TrainableModel;
import dev.retrievals.core.ndarray.Scalars;
import dev.retrievals.pytorch.arch.EncoderOps;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoped forward passes: a layer's intermediates are released as soon as the layer is done, and
 * that changes nothing the model computes. Gradients and weights after several training steps
 * (dropout on, a garbage collection and fresh direct buffers between every forward and backward
 * pass, the situation in which a tensor freed too early gives garbage) are bit for bit those of
 * the unscoped pass, for an embedding model and for a cross-encoder (whose classification head is
 * one scoped group); and the arrays alive during a forward pass stop growing with the number of
 * layers. ({@code TinyEncoderTest} checks that encoding leaves no array behind, and
 * {@link EncodeResidentMemoryTest} the resident memory of a long encode.)
 */
class ScopedForwardTest {
    static final List<String> TEXTS = List.of("a short text", "a considerably longer text that forces padding of the others",
            "mid length one here", "and a fourth, for a batch of four");
    private static final double LEARNING_RATE = 0.05;

    @TempDir
    Path temp;

    private static String config(int layers) {
        return TinyModels.bertConfig().replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": " + layers);
    }

    static AutoModelForEmbedding tinyModel(int layers, long seed) {
        TransformerConfig config = TransformerConfig.parse(config(layers), "tiny");
        Map<String, double[]> weights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), seed);
        return TinyEncoderTest.tinyModel(config(layers), weights, ModelOptions.defaults().withPooling("mean"));
    }

    /** Gradients of every step and the weights after the last, each array's values by name. */
    record Run(List<Map<String, float[]>> gradients, Map<String, float[]> weights) {}

    /**
     * {@code steps} steps of plain gradient descent on a loss that mixes the texts' embeddings
     * (each against the next, squared), dropout on, the engine reseeded per step.
     */
    private static Run train(boolean scoped, int steps) {
        try (AutoModelForEmbedding model = tinyModel(3, 17)) {
            model.setScopedForward(scoped);
            TokenBatch batch = model.tokenizer().tokenize(TEXTS);
            return train(model, scope -> mixingLoss(model.embed(batch, scope)), steps);
        }
    }

    /** A loss that mixes the rows of {@code [rows, dim]} embeddings: each against the next, squared, summed. */
    static NDArray mixingLoss(NDArray embeddings) {
        NDArray shifted = embeddings.get("1:").concat(embeddings.get(":1"));
        return embeddings.mul(shifted).sum(new int[] {1}).square().sum();
    }

    /**
     * {@code steps} steps of plain gradient descent on {@code loss} (computed in each step's scope),
     * in training mode, the engine reseeded per step, native memory churned before every backward pass.
     */
    private static Run train(TrainableModel model, Function<NDManager, NDArray> loss, int steps) {
        return train(model, (scope, checkpointed) -> loss.apply(scope), steps);
    }

    /**
     * {@link #train(TrainableModel, Function, int)} for a loss that may embed with activation
     * checkpointing: the embeddings it adds to its list are back-propagated after the loss.
     */
    static Run train(TrainableModel model, BiFunction<NDManager, List<CheckpointedEmbedding>, NDArray> loss, int steps) {
        Engine engine = Engine.getEngine(PyTorchEngine.NAME);
        List<Map<String, float[]>> gradients = new ArrayList<>();
        model.train();
        for (int step = 0; step < steps; step++) {
            engine.setRandomSeed(1000 + step);
            try (NDManager scope = model.newScope(); GradientCollector collector = engine.newGradientCollector()) {
                List<CheckpointedEmbedding> checkpointed = new ArrayList<>();
                NDArray value = loss.apply(scope, checkpointed);
                churnNativeMemory();
                collector.backward(value);
                if (!checkpointed.isEmpty()) {
                    churnNativeMemory();
                    checkpointed.forEach(embedding -> embedding.backPropagate(collector));
                }
            }
            Map<String, float[]> stepGradients = new LinkedHashMap<>();
            try (NDManager update = model.newScope()) {
                for (Map.Entry<String, NDArray> parameter : model.parameters().entrySet()) {
                    NDArray gradient = parameter.getValue().getGradient();
                    gradient.attach(update);
                    stepGradients.put(parameter.getKey(), gradient.toFloatArray());
                    parameter.getValue().subi(Scalars.mul(gradient, LEARNING_RATE));
                    gradient.set(new NDIndex("..."), 0); // zeroed in place: gradients add up across backward passes
                }
            }
            gradients.add(stepGradients);
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        return new Run(gradients, weights);
    }

    /**
     * A cross-encoder's steps (tiny BERT with its pooler and classifier head, dropout on): the pair
     * logits pushed towards alternating targets, squared error.
     */
    private static Run trainReranker(Path folder, boolean scoped, int steps) {
        try (AutoModelForRanking model = AutoModelForRanking.fromPretrained(folder.toString())) {
            model.encoder().setScopedForward(scoped);
            // each text paired with the next one
            TokenBatch pairs = model.pairTokenizer().tokenize(TEXTS, List.of(TEXTS.get(1), TEXTS.get(2), TEXTS.get(3), TEXTS.get(0)));
            return train(model, scope -> {
                NDArray logits = model.logits(pairs, scope).reshape(-1);
                NDArray targets = scope.create(new float[] {1f, -1f, 1f, -1f});
                return logits.sub(targets).square().sum();
            }, steps);
        }
    }

    /**
     * A collection, then fresh direct buffers filled with NaN: memory that a tensor still needed but
     * whose Java buffer was let go is reused and overwritten, so its gradients come out wrong.
     */
    private static void churnNativeMemory() {
        System.gc();
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            reuse.add(ByteBuffer.allocateDirect(16).putDouble(0, Double.NaN).putDouble(8, Double.NaN));
        }
        assertThat(reuse).hasSize(2000);
    }

    @Test
    void gradientsAndWeightsAfterSeveralStepsAreBitIdenticalWithAndWithoutScoping() {
        assertSameRuns(train(false, 3), train(true, 3));
    }

    @Test
    void aRerankersGradientsAndWeightsAreBitIdenticalWithAndWithoutScoping() throws Exception {
        Path folder = new TinyRankerFolder(config(3), 1, 23).write(temp.resolve("ranker"));
        assertSameRuns(trainReranker(folder, false, 3), trainReranker(folder, true, 3));
    }

    /** Every step's gradients (some of them far from zero) and the final weights, bit for bit. */
    static void assertSameRuns(Run unscoped, Run scoped) {
        for (int step = 0; step < unscoped.gradients().size(); step++) {
            Map<String, float[]> expected = unscoped.gradients().get(step);
            assertThat(scoped.gradients().get(step)).containsOnlyKeys(expected.keySet());
            double largest = 0;
            for (Map.Entry<String, float[]> entry : expected.entrySet()) {
                assertBitIdentical(scoped.gradients().get(step).get(entry.getKey()), entry.getValue(),
                        "step " + step + " gradient of " + entry.getKey());
                for (float value : entry.getValue()) {
                    largest = Math.max(largest, Math.abs(value));
                }
            }
            assertThat(largest).as("step %d has gradients to compare", step).isGreaterThan(1e-3);
        }
        unscoped.weights().forEach((name, values) -> assertBitIdentical(scoped.weights().get(name), values, "weights of " + name));
    }

    private static void assertBitIdentical(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                fail(what + " differs at element " + i + ": " + actual[i] + " instead of " + expected[i]);
            }
        }
    }

    /** The most NDArrays alive in {@code scope} after any op of one forward pass, scoped or not. */
    private static int peakLiveArraysOfAForwardPass(int layers, boolean scoped) {
        try (AutoModelForEmbedding model = tinyModel(layers, 5); NDManager scope = model.newScope()) {
            TokenBatch batch = model.tokenizer().tokenize(TEXTS);
            NDArray ids = scope.create(batch.inputIds());
            NDArray mask = scope.create(batch.attentionMask());
            NDArray types = scope.create(batch.tokenTypeIds());
            DjlEncoderOps ops = new DjlEncoderOps(model.parameters(), false, model.weights().dataType(), scoped);
            int[] peak = {0};
            IntSupplier live = () -> scope.getManagedArrays().size();
            @SuppressWarnings("unchecked")
            EncoderOps<NDArray> counting = (EncoderOps<NDArray>) Proxy.newProxyInstance(EncoderOps.class.getClassLoader(),
                    new Class<?>[] {EncoderOps.class}, (proxy, method, args) -> {
                        try {
                            Object result = method.invoke(ops, args);
                            peak[0] = Math.max(peak[0], live.getAsInt());
                            return result;
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            NDArray hidden = model.architecture().lastHiddenState(counting, model.config(), ids, mask, types);
            assertThat(hidden.getShape().get(0)).isEqualTo(TEXTS.size());
            return peak[0];
        }
    }

    @Test
    void arraysAliveDuringAForwardPassDoNotGrowWithTheNumberOfLayers() {
        int scopedShallow = peakLiveArraysOfAForwardPass(2, true);
        int scopedDeep = peakLiveArraysOfAForwardPass(8, true);
        int unscopedShallow = peakLiveArraysOfAForwardPass(2, false);
        int unscopedDeep = peakLiveArraysOfAForwardPass(8, false);
        System.out.printf("peak live NDArrays of a forward pass: scoped %d (2 layers) / %d (8 layers), unscoped %d / %d%n",
                scopedShallow, scopedDeep, unscopedShallow, unscopedDeep);
        assertThat(scopedDeep).as("scoped: one layer's intermediates at a time").isEqualTo(scopedShallow);
        // A layer in evaluation makes 25 arrays: query, key and value (a linear output, a reshape and a transpose each: 9),
        // the scale and the scaled query (2), the key's transpose, the scores, the softmax, the context, its transpose and
        // reshape (6), then the output projection, the residual sum and its norm, the feed-forward's two linear outputs and
        // activation, the second residual sum and its norm (8).
        assertThat(unscopedDeep - unscopedShallow).as("unscoped: every layer's intermediates kept").isEqualTo(6 * 25);
        assertThat(scopedDeep).isLessThan(unscopedShallow);
    }
}
