package dev.retrievals.core.data;

import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Helpers shared by the batch samplers. */
final class Batches {
    /** The batch size option, shared by every sampler. */
    static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch_size", 32, "rows per batch").atLeast(1);

    private Batches() {}

    /** The indices {@code 0..size-1} in an order drawn from {@code random}. */
    static int[] permutation(int size, Random random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }

    /** Fisher–Yates shuffle in place. */
    static void shuffle(int[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** Consecutive chunks of {@code batchSize}; the last, shorter chunk is kept unless {@code dropLast}. */
    static List<int[]> chunk(int[] order, int batchSize, boolean dropLast) {
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            if (end - start < batchSize && dropLast) {
                break;
            }
            batches.add(Arrays.copyOfRange(order, start, end));
        }
        return batches;
    }
}
