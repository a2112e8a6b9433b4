package dev.retrievals.core.data;

import java.util.List;
import java.util.Map;

/**
 * Orders the rows of one epoch into batches of row indices. Samplers work on rows in memory; give
 * each epoch its own seed (derived from the run seed and the epoch) so a resumed run repeats it.
 */
public interface BatchSampler {

    /**
     * The batches of one epoch; each index appears in at most one batch.
     *
     * @param rows the rows, in memory
     * @param seed the epoch's seed
     */
    List<int[]> batches(List<Map<String, Object>> rows, long seed);
}
