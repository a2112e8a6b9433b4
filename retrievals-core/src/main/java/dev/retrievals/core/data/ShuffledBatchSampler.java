package dev.retrievals.core.data;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** Batches of rows in a random order, drawn afresh each epoch from the epoch's seed. */
public final class ShuffledBatchSampler implements BatchSampler {
    private final int batchSize;
    private final boolean dropLast;

    /**
     * A shuffled sampler.
     *
     * @param batchSize rows per batch, at least 1
     * @param dropLast whether to leave out a last batch that is shorter than {@code batchSize}
     */
    public ShuffledBatchSampler(int batchSize, boolean dropLast) {
        this.batchSize = Batches.BATCH_SIZE.check(batchSize, "batch sampler 'shuffled'");
        this.dropLast = dropLast;
    }

    @Override
    public List<int[]> batches(List<Map<String, Object>> rows, long seed) {
        return Batches.chunk(Batches.permutation(rows.size(), new Random(seed)), batchSize, dropLast);
    }
}
