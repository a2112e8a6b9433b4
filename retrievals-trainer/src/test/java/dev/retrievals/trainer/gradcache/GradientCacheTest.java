package dev.retrievals.trainer.gradcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.losses.CoSENT;
import dev.retrievals.losses.HardNegatives;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.losses.Matryoshka;
import dev.retrievals.losses.SimCSE;
import dev.retrievals.losses.TripletLoss;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cached path's parameter gradients against one backward pass through the whole batch, with
 * dropout on: the reference embeds the same chunks with the graph, each after the same reseed, and
 * back-propagates the loss of their concatenation at once.
 */
class GradientCacheTest {
    private static final int ROWS = 6;
    private static final int MINI_BATCH = 4;
    private static final int SEED = 1234;
    private static AutoModelForEmbedding model;

    @BeforeAll
    static void load() {
        model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2");
        // the 30522-row token table's dense gradient would dominate the test's time; every other weight is compared
        model.weights().freeze("word_embeddings");
        model.train();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<Arguments> losses() {
        Function<AutoModelForEmbedding, CollatedBatch> pairs = m -> Fixtures.pairBatch(m, Fixtures.pairs(ROWS));
        Function<AutoModelForEmbedding, CollatedBatch> triplets = m -> Fixtures.tripletBatch(m, ROWS);
        return Stream.of(
                Arguments.of("InfoNCE on pairs", InfoNCE.builder().labelSmoothing(0.05).build(), pairs),
                Arguments.of("InfoNCE, symmetric, with shared hard negatives",
                        InfoNCE.builder().symmetric(true).build(), triplets),
                Arguments.of("SimCSE unsupervised", SimCSE.unsupervised(),
                        (Function<AutoModelForEmbedding, CollatedBatch>) m -> Fixtures.pairBatch(m, Fixtures.sameSentencePairs(ROWS))),
                Arguments.of("CoSENT", CoSENT.create(),
                        (Function<AutoModelForEmbedding, CollatedBatch>) m -> Fixtures.scoredPairBatch(m, ROWS)),
                Arguments.of("soft triplet with in-batch (shared) negatives",
                        TripletLoss.builder().form(TripletLoss.Form.SOFT).hardNegatives(HardNegatives.SHARED).build(), triplets),
                Arguments.of("Matryoshka around InfoNCE", Matryoshka.of(InfoNCE.builder().build(), 384, 128, 32), pairs));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void cachedGradientsEqualOneBackwardThroughTheWholeBatch(String name, Loss loss,
            Function<AutoModelForEmbedding, CollatedBatch> batches) {
        CollatedBatch batch = batches.apply(model);
        Map<String, float[]> reference = referenceGradients(loss, batch);
        Fixtures.zeroGradients(model);

        double value;
        try (NDManager manager = model.newScope()) {
            value = new GradientCache(MINI_BATCH).forwardBackward(batch, SEED, loss, (role, tokens, scope) -> model.embed(tokens, scope),
                    1.0, manager);
        }
        Map<String, float[]> cached = Fixtures.gradients(model);
        Fixtures.zeroGradients(model);

        assertThat(value).as("loss value").isFinite().isGreaterThan(0);
        double largest = Fixtures.maxAbsolute(reference);
        double difference = Fixtures.maxDifference(cached, reference);
        System.out.printf("%s: largest gradient %.3g, largest difference %.3g%n", name, largest, difference);
        assertThat(largest).as("the reference gradient is not trivial").isGreaterThan(1e-5);
        assertThat(difference).as("cached vs plain gradients").isLessThanOrEqualTo(1e-5).isLessThanOrEqualTo(1e-4 * largest);
    }

    @Test
    void lossScaleScalesTheGradients() {
        Loss loss = InfoNCE.builder().build();
        CollatedBatch batch = Fixtures.pairBatch(model, Fixtures.pairs(ROWS));
        Map<String, float[]> reference = referenceGradients(loss, batch);
        Fixtures.zeroGradients(model);
        GradientCache cache = new GradientCache(MINI_BATCH);
        try (NDManager manager = model.newScope()) {
            cache.forwardBackward(batch, SEED, loss, (role, tokens, scope) -> model.embed(tokens, scope), 0.25, manager);
        }
        Map<String, float[]> quarter = Fixtures.gradients(model);
        Fixtures.zeroGradients(model);
        Map<String, float[]> scaledReference = new LinkedHashMap<>();
        reference.forEach((key, values) -> {
            float[] scaled = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                scaled[i] = values[i] * 0.25f;
            }
            scaledReference.put(key, scaled);
        });
        assertThat(Fixtures.maxDifference(quarter, scaledReference)).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void dropoutIsOnSoTheChunkSeedsMatter() {
        CollatedBatch batch = Fixtures.pairBatch(model, Fixtures.pairs(2));
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager scope = model.newScope()) {
            engine.setRandomSeed(1);
            float[] first = model.embed(batch.tokens(LossInputs.QUERY), scope).toFloatArray();
            engine.setRandomSeed(1);
            float[] again = model.embed(batch.tokens(LossInputs.QUERY), scope).toFloatArray();
            engine.setRandomSeed(2);
            float[] other = model.embed(batch.tokens(LossInputs.QUERY), scope).toFloatArray();
            assertThat(again).containsExactly(first);
            double difference = 0;
            for (int i = 0; i < first.length; i++) {
                difference = Math.max(difference, Math.abs(first[i] - other[i]));
            }
            assertThat(difference).as("another seed gives other dropout masks").isGreaterThan(1e-4);
        }
    }

    @Test
    void aMiniBatchBelowOneIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> new GradientCache(0)).isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("gradient_cache_mini_batch_size").hasMessageContaining("0");
    }

    /** Gradients of one backward pass through the concatenated chunks, each embedded after its reseed. */
    private static Map<String, float[]> referenceGradients(Loss loss, CollatedBatch batch) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager scope = model.newScope(); GradientCollector collector = engine.newGradientCollector()) {
            Map<String, List<NDArray>> parts = new LinkedHashMap<>();
            for (BatchChunk chunk : BatchChunk.split(batch, MINI_BATCH, SEED)) {
                engine.setRandomSeed(chunk.seed());
                chunk.rows().texts().forEach((role, tokens) ->
                        parts.computeIfAbsent(role, r -> new ArrayList<>()).add(model.embed(tokens, scope)));
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            parts.forEach((role, list) -> arrays.put(role, NDArrays.concat(new NDList(list))));
            batch.scores().forEach((role, values) -> arrays.put(role, scope.create(values)));
            batch.labels().forEach((role, values) -> arrays.put(role, scope.create(values)));
            collector.backward(loss.forward(LossInputs.of(arrays)));
        }
        return Fixtures.gradients(model);
    }
}
