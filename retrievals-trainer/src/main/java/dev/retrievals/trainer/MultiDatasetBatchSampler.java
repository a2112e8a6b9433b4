package dev.retrievals.trainer;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.BatchSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Orders the batches of several training sets into one epoch, as sentence-transformers'
 * {@code MultiDatasetBatchSamplers} do. Each set's batches come from its own {@link BatchSampler},
 * seeded from the epoch's seed and the set's position ({@link #setSeed}); every batch holds rows of
 * one set only. Two strategies ({@code multi_dataset_batch_sampler}):
 *
 * <ul>
 *   <li>{@value #ROUND_ROBIN}: one step of each set in turn (set 0, 1, …, 0, 1, …), stopping before
 *       the round in which the smallest set would run out, so every set gives the same number of
 *       steps (sentence-transformers' {@code RoundRobinBatchSampler}, whose length is
 *       {@code min × sets}); the larger sets' remaining batches are left out of the epoch.</li>
 *   <li>{@value #PROPORTIONAL} (the default): every step of every set, the order of the sets drawn
 *       at random, so each set appears in proportion to its number of steps
 *       ({@code ProportionalBatchSampler}). The draw is a Fisher–Yates shuffle of the list of set
 *       positions (set 0 repeated once per step of set 0, then set 1, …), going from the last
 *       position down and swapping position {@code i} with {@code java.util.Random.nextInt(i + 1)}
 *       of a generator seeded with {@link #orderSeed}.</li>
 * </ul>
 *
 * <p>A step is {@code batchesPerStep} consecutive batches of one set (gradient accumulation), so
 * the micro-batches of one optimizer step never mix sets; a set's last step may be shorter. The
 * epoch is a pure function of the rows, the samplers and the epoch's seed, so a run resumed at
 * (epoch, batch) continues exactly. With one set, both strategies give that set's batches in its
 * sampler's order, seeded with the epoch's seed itself: the single-dataset case.
 */
public final class MultiDatasetBatchSampler {
    /** One step of each set in turn until the smallest runs out. */
    public static final String ROUND_ROBIN = "round_robin";
    /** Every step of every set, sets drawn in proportion to their steps. */
    public static final String PROPORTIONAL = "proportional";

    private final String strategy;
    private final int batchesPerStep;

    /**
     * A sampler.
     *
     * @param strategy {@value #ROUND_ROBIN} or {@value #PROPORTIONAL}
     * @param batchesPerStep batches of one set that form one optimizer step (gradient accumulation), at least 1
     */
    public MultiDatasetBatchSampler(String strategy, int batchesPerStep) {
        if (!ROUND_ROBIN.equals(strategy) && !PROPORTIONAL.equals(strategy)) {
            throw new RetrievalsException("multi_dataset_batch_sampler is '" + strategy + "'; allowed: " + PROPORTIONAL + ", "
                    + ROUND_ROBIN);
        }
        if (batchesPerStep < 1) {
            throw new RetrievalsException("batches per step is " + batchesPerStep + "; expected at least 1");
        }
        this.strategy = strategy;
        this.batchesPerStep = batchesPerStep;
    }

    /**
     * The batches of one epoch.
     *
     * @param samplers each set's batch sampler
     * @param rows each set's rows, in the same order as {@code samplers}
     * @param epochSeed the epoch's seed (derived from the run seed and the epoch)
     */
    public List<TrainingSetBatch> batches(List<BatchSampler> samplers, List<List<Map<String, Object>>> rows, long epochSeed) {
        if (samplers.size() != rows.size() || samplers.isEmpty()) {
            throw new RetrievalsException("expected one batch sampler per training set, got " + samplers.size() + " samplers for "
                    + rows.size() + " sets");
        }
        List<List<int[]>> perSet = new ArrayList<>();
        for (int set = 0; set < samplers.size(); set++) {
            perSet.add(samplers.get(set).batches(rows.get(set), setSeed(epochSeed, set)));
        }
        return interleave(perSet, epochSeed);
    }

    /**
     * Interleaves batches already drawn for each set.
     *
     * @param perSet each set's batches of the epoch, in order
     * @param epochSeed the epoch's seed (decides the proportional order)
     */
    public List<TrainingSetBatch> interleave(List<List<int[]>> perSet, long epochSeed) {
        List<List<List<int[]>>> steps = new ArrayList<>();
        for (List<int[]> batches : perSet) {
            List<List<int[]>> setSteps = new ArrayList<>();
            for (int start = 0; start < batches.size(); start += batchesPerStep) {
                setSteps.add(batches.subList(start, Math.min(batches.size(), start + batchesPerStep)));
            }
            steps.add(setSteps);
        }
        List<Integer> order = strategy.equals(ROUND_ROBIN) ? roundRobinOrder(steps) : proportionalOrder(steps, orderSeed(epochSeed));
        int[] next = new int[steps.size()];
        List<TrainingSetBatch> epoch = new ArrayList<>();
        for (int set : order) {
            for (int[] batch : steps.get(set).get(next[set]++)) {
                epoch.add(new TrainingSetBatch(set, batch));
            }
        }
        return epoch;
    }

    private static List<Integer> roundRobinOrder(List<List<List<int[]>>> steps) {
        int rounds = steps.stream().mapToInt(List::size).min().orElse(0);
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int set = 0; set < steps.size(); set++) {
                order.add(set);
            }
        }
        return order;
    }

    private static List<Integer> proportionalOrder(List<List<List<int[]>>> steps, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int set = 0; set < steps.size(); set++) {
            for (int step = 0; step < steps.get(set).size(); step++) {
                order.add(set);
            }
        }
        Random random = new Random(seed);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            order.set(i, order.set(j, order.get(i)));
        }
        return order;
    }

    /** The seed of set {@code set}'s batch sampler in the epoch of {@code epochSeed}; set 0 gets the epoch's seed itself. */
    public static long setSeed(long epochSeed, int set) {
        return epochSeed + 0x9E3779B97F4A7C15L * set;
    }

    /** The seed of the proportional draw of sets in the epoch of {@code epochSeed}. */
    public static long orderSeed(long epochSeed) {
        return Long.rotateLeft(epochSeed, 29) ^ 0x6A09E667F3BCC909L;
    }
}
