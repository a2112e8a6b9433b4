package dev.retrievals.core.data;

import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches for point-wise losses (batch-hard triplet, ArcFace with in-batch statistics) in which
 * every label present appears at least {@code samplesPerLabel} times. Each epoch, the rows of each
 * label are shuffled and cut into groups of {@code samplesPerLabel}; the groups are shuffled and
 * packed into batches. Rows left over (a label's last incomplete group, or a label with fewer
 * rows than a group) are not sampled that epoch; their count is logged.
 */
public final class GroupByLabelBatchSampler implements BatchSampler {
    private static final Logger LOG = LoggerFactory.getLogger(GroupByLabelBatchSampler.class);
    static final OptionSpec<Integer> SAMPLES_PER_LABEL =
            OptionSpec.ofInt("samples_per_label", 2, "rows of one label placed together").atLeast(2);

    private final int batchSize;
    private final int samplesPerLabel;
    private final String labelColumn;

    /**
     * A group-by-label sampler.
     *
     * @param batchSize rows per batch, a multiple of {@code samplesPerLabel}
     * @param samplesPerLabel rows of one label placed together, at least 2
     * @param labelColumn the column holding the label
     */
    public GroupByLabelBatchSampler(int batchSize, int samplesPerLabel, String labelColumn) {
        String owner = "batch sampler 'group_by_label'";
        this.batchSize = Batches.BATCH_SIZE.check(batchSize, owner);
        this.samplesPerLabel = SAMPLES_PER_LABEL.check(samplesPerLabel, owner);
        if (batchSize % samplesPerLabel != 0) {
            throw new IllegalArgumentException("Option 'batch_size' of " + owner + " is " + batchSize
                    + "; allowed: a multiple of samples_per_label (" + samplesPerLabel + ")");
        }
        this.labelColumn = labelColumn;
    }

    @Override
    public List<int[]> batches(List<Map<String, Object>> rows, long seed) {
        Map<String, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String label = (String) ColumnType.LABEL.read(rows.get(i), labelColumn, "row " + i);
            byLabel.computeIfAbsent(label, key -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        List<int[]> groups = new ArrayList<>();
        int leftOut = 0;
        for (List<Integer> indices : byLabel.values()) {
            int[] shuffled = indices.stream().mapToInt(Integer::intValue).toArray();
            Batches.shuffle(shuffled, random);
            int full = shuffled.length - shuffled.length % samplesPerLabel;
            leftOut += shuffled.length - full;
            for (int start = 0; start < full; start += samplesPerLabel) {
                groups.add(Arrays.copyOfRange(shuffled, start, start + samplesPerLabel));
            }
        }
        if (leftOut > 0) {
            LOG.info("Group-by-label sampling leaves out {} of {} rows this epoch (incomplete groups of {})",
                    leftOut, rows.size(), samplesPerLabel);
        }
        Collections.shuffle(groups, random);
        int[] order = groups.stream().flatMapToInt(Arrays::stream).toArray();
        return Batches.chunk(order, batchSize, false);
    }
}
