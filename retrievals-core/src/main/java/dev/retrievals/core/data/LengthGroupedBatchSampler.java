package dev.retrievals.core.data;

import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Puts texts of similar length in one batch so little of a batch is padding, as Hugging Face's
 * {@code LengthGroupedSampler}: the rows are shuffled, cut into mega-batches of
 * {@code megaBatchFactor × batchSize} rows, each mega-batch is sorted by length and cut into
 * batches, and the batches are shuffled, so which lengths come when is still random.
 */
public final class LengthGroupedBatchSampler implements BatchSampler {
    static final OptionSpec<Integer> MEGA_BATCH_FACTOR =
            OptionSpec.ofInt("mega_batch_factor", 50, "batches per mega-batch sorted by length").atLeast(1);

    private final int batchSize;
    private final int megaBatchFactor;
    private final boolean dropLast;
    private final ToIntFunction<Map<String, Object>> length;

    /**
     * A length-grouped sampler.
     *
     * @param batchSize rows per batch, at least 1
     * @param megaBatchFactor how many batches are sorted together (50 in Hugging Face), at least 1
     * @param dropLast whether to leave out batches shorter than {@code batchSize}
     * @param length the length of a row (for example its characters or tokens)
     */
    public LengthGroupedBatchSampler(int batchSize, int megaBatchFactor, boolean dropLast, ToIntFunction<Map<String, Object>> length) {
        this.batchSize = Batches.BATCH_SIZE.check(batchSize, "batch sampler 'length_grouped'");
        this.megaBatchFactor = MEGA_BATCH_FACTOR.check(megaBatchFactor, "batch sampler 'length_grouped'");
        this.dropLast = dropLast;
        this.length = length;
    }

    /** Groups by the total characters of the text columns (a list counts all its texts), mega-batch factor 50. */
    public static LengthGroupedBatchSampler byCharacters(int batchSize, String... textColumns) {
        List<String> columns = List.of(textColumns);
        return new LengthGroupedBatchSampler(batchSize, 50, false, row -> {
            int total = 0;
            for (String column : columns) {
                Object value = ColumnType.TEXT_LIST.read(row, column, "row being grouped by length");
                for (Object text : (List<?>) value) {
                    total += ((String) text).length();
                }
            }
            return total;
        });
    }

    @Override
    public List<int[]> batches(List<Map<String, Object>> rows, long seed) {
        Random random = new Random(seed);
        int[] order = Batches.permutation(rows.size(), random);
        int[] lengths = new int[rows.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = length.applyAsInt(rows.get(i));
        }
        int megaBatch = batchSize * megaBatchFactor;
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += megaBatch) {
            int[] group = Arrays.stream(order, start, Math.min(order.length, start + megaBatch)).boxed()
                    .sorted((a, b) -> Integer.compare(lengths[b], lengths[a]))
                    .mapToInt(Integer::intValue).toArray();
            batches.addAll(Batches.chunk(group, batchSize, dropLast));
        }
        Collections.shuffle(batches, random);
        return batches;
    }
}
