package dev.retrievals.trainer.gradcache;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.retrievals.core.ndarray.Scalars;

/**
 * Gradient caching (Gao et al. 2021): one forward and backward pass of a large batch whose
 * activations would not fit in memory at once, with the gradients of the plain large batch. It is
 * what sentence-transformers' {@code CachedMultipleNegativesRankingLoss} does, for any loss: the
 * loss sees the whole batch (every query meets every in-batch negative), while the encoder's graph
 * exists for one chunk of {@code mini_batch_size} rows at a time.
 *
 * <ol>
 *   <li>Embed each {@link BatchChunk chunk} and keep only the detached embeddings (the chunk's
 *       graph is freed at once), reseeding the engine with the chunk's seed first.</li>
 *   <li>Concatenate the chunks' embeddings by role, make them leaves that require a gradient, compute
 *       the loss on the whole batch inside a collector and back-propagate it (times
 *       {@code lossScale}), which leaves the loss's gradient with respect to every embedding (and
 *       the gradients of any loss-owned parameters).</li>
 *   <li>Embed each chunk again, with a collector, after the same reseed, and back-propagate
 *       {@code sum(e ⊙ g)}, where {@code g} is the chunk's cached embedding gradient (a constant):
 *       its gradient with respect to the chunk's embeddings {@code e} is exactly {@code g}, so the
 *       parameters receive the chain rule's product, summed over chunks.</li>
 * </ol>
 *
 * <p><b>What equals what</b>: the parameter gradients equal those of one backward pass through the
 * concatenation of the same chunks embedded with the graph, each after reseeding with its chunk's
 * seed (same dropout masks), up to float rounding. A batch of at most {@code mini_batch_size} rows
 * is one chunk seeded with the batch seed, so it gets the same dropout, and the same gradients, as
 * the trainer's plain path. Larger batches draw different dropout masks than the plain path would
 * (the random stream restarts per chunk) — an equally valid sample of dropout, reproducible from
 * the batch seed, so checkpoints resume exactly. The second pass checks that it reproduced the
 * first pass's embeddings and logs a warning naming the chunk when it did not (an encoder whose
 * randomness does not follow the engine's seed).
 *
 * <p>Cost: each chunk is encoded twice (the first time without graph); memory holds one chunk's
 * activations plus the whole batch's embeddings and their gradients. Figures are in
 * {@code docs/benchmarks-gradcache.md}. Both passes embed through
 * {@link RoleEncoder#embedCheckpointed}: with activation checkpointing on, the first pass keeps only
 * each layer's input and the second back-propagates a chunk one layer at a time, so the memory is
 * one layer of one chunk.
 */
public final class GradientCache {
    private static final Logger LOG = LoggerFactory.getLogger(GradientCache.class);
    /** Largest difference tolerated between a chunk's embeddings in the two passes before a warning. */
    private static final double REPLAY_TOLERANCE = 1e-4;
    private static final String OWNER = "gradient cache";

    /** Rows per chunk; 0 (the default) turns gradient caching off. */
    public static final OptionSpec<Integer> MINI_BATCH_SIZE = OptionSpec.ofInt("gradient_cache_mini_batch_size", 0,
            "embed each batch in chunks of this many rows and cache the embedding gradients (Gao et al. 2021), so a large"
                    + " in-batch contrastive batch needs the memory of one chunk; 0 turns it off").atLeast(0);

    private final int miniBatchSize;

    /**
     * A gradient cache with chunks of {@code miniBatchSize} rows.
     *
     * @throws dev.retrievals.core.spi.InvalidOptionException when it is below 1
     */
    public GradientCache(int miniBatchSize) {
        this.miniBatchSize = MINI_BATCH_SIZE.required().atLeast(1).check(miniBatchSize, OWNER);
    }

    /** Rows per chunk. */
    public int miniBatchSize() {
        return miniBatchSize;
    }

    /**
     * Runs the loss on the whole batch and adds {@code lossScale} times its gradient to the
     * parameters' gradients, holding one chunk's graph at a time. No gradient collector may be open
     * when this is called (it opens its own, one at a time). The model must be in training mode. When the loss is not finite nothing
     * is back-propagated into the encoder.
     *
     * @param batch the collated batch
     * @param batchSeed the batch's random seed (chunk seeds derive from it, see {@link BatchChunk#split})
     * @param loss the loss, applied to the whole batch's embeddings
     * @param encoder embeds each role's texts
     * @param lossScale factor on the loss before back-propagation (1 / gradient accumulation steps)
     * @param manager the parent of every temporary array; all are freed before returning
     * @return the loss value of the whole batch, not scaled
     */
    public double forwardBackward(CollatedBatch batch, int batchSeed, Loss loss, RoleEncoder encoder, double lossScale,
            NDManager manager) {
        List<BatchChunk> chunks = BatchChunk.split(batch, miniBatchSize, batchSeed);
        Engine engine = manager.getEngine();
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> embeddings = embedWithoutGraph(chunks, encoder, engine, scope);
            embeddings.values().forEach(leaf -> leaf.setRequiresGradient(true));
            double value;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray result = loss.forward(RoleEncoder.lossInputs(embeddings, batch, scope));
                value = result.toType(DataType.FLOAT64, false).getDouble();
                if (!Double.isFinite(value)) {
                    return value;
                }
                collector.backward(Scalars.mul(result, lossScale));
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            embeddings.forEach((role, leaf) -> gradients.put(role, leaf.getGradient().stopGradient()));
            for (BatchChunk chunk : chunks) {
                backPropagate(chunk, embeddings, gradients, encoder, engine, scope);
            }
            return value;
        }
    }

    /**
     * Every chunk's embeddings, detached, concatenated by role in {@code scope}. Each chunk's graph is
     * freed with its sub-manager right after it is embedded. The chunks run inside a gradient
     * collector all the same: libtorch's no-grad mode as DJL enters it (the deprecated
     * {@code AutoNonVariableTypeMode}) warns of silent wrong results in edge cases, and every other
     * step of training runs in grad mode too.
     */
    private static Map<String, NDArray> embedWithoutGraph(List<BatchChunk> chunks, RoleEncoder encoder, Engine engine,
            NDManager scope) {
        Map<String, List<NDArray>> parts = new LinkedHashMap<>();
        for (BatchChunk chunk : chunks) {
            engine.setRandomSeed(chunk.seed());
            try (GradientCollector gradMode = engine.newGradientCollector();
                    NDManager chunkScope = scope.newSubManager()) {
                chunk.rows().texts().forEach((role, tokens) -> {
                    NDArray detached = encoder.embedCheckpointed(role, tokens, chunkScope).embedding().stopGradient();
                    detached.attach(scope);
                    parts.computeIfAbsent(role, r -> new ArrayList<>()).add(detached);
                });
            }
        }
        Map<String, NDArray> embeddings = new LinkedHashMap<>();
        parts.forEach((role, list) -> embeddings.put(role, list.size() == 1 ? list.get(0) : NDArrays.concat(new NDList(list))));
        return embeddings;
    }

    /**
     * Re-embeds one chunk with the graph (same seed), back-propagates its cached embedding gradients,
     * and warns if the embeddings differ from the first pass's.
     */
    private static void backPropagate(BatchChunk chunk, Map<String, NDArray> embeddings, Map<String, NDArray> allGradients,
            RoleEncoder encoder, Engine engine, NDManager scope) {
        engine.setRandomSeed(chunk.seed());
        double drift = 0;
        try (NDManager chunkScope = scope.newSubManager();
                GradientCollector collector = engine.newGradientCollector()) {
            Map<String, NDArray> firstPass = rowsOf(chunk, embeddings, chunkScope);
            Map<String, NDArray> gradients = rowsOf(chunk, allGradients, chunkScope);
            NDArray surrogate = null;
            List<CheckpointedEmbedding> parts = new ArrayList<>();
            for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
                CheckpointedEmbedding part = encoder.embedCheckpointed(entry.getKey(), chunk.rows().tokens(entry.getKey()), chunkScope);
                parts.add(part);
                NDArray embedded = part.embedding();
                NDArray term = embedded.mul(entry.getValue()).sum();
                surrogate = surrogate == null ? term : surrogate.add(term);
                NDArray difference = embedded.stopGradient().sub(firstPass.get(entry.getKey())).abs().max();
                drift = Math.max(drift, difference.toType(DataType.FLOAT64, false).getDouble());
            }
            collector.backward(surrogate);
            parts.forEach(part -> part.backPropagate(collector));
        }
        if (drift > REPLAY_TOLERANCE) {
            LOG.warn("Gradient cache: chunk {} (rows {}..{}) embedded differently in the second pass (largest difference {});"
                    + " the encoder's dropout did not follow the engine's seed, so the gradients are not those of the whole batch",
                    chunk.index(), chunk.firstRow(), chunk.firstRow() + chunk.rows().size() - 1, drift);
        }
    }

    /** The rows of each role's array that belong to the chunk, detached, in {@code chunkScope}. */
    private static Map<String, NDArray> rowsOf(BatchChunk chunk, Map<String, NDArray> arrays, NDManager chunkScope) {
        Map<String, NDArray> slices = new LinkedHashMap<>();
        for (String role : chunk.rows().texts().keySet()) {
            int from = chunk.firstText(role);
            int to = from + chunk.rows().tokens(role).batchSize();
            NDArray rows = arrays.get(role).get(new NDIndex("{}:{}", from, to));
            rows.attach(chunkScope);
            NDArray detached = rows.stopGradient();
            slices.put(role, detached);
        }
        return slices;
    }
}
