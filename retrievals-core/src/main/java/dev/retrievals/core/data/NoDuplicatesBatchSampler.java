package dev.retrievals.core.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Shuffled batches in which a text appears at most once, so that with in-batch negatives no
 * row's positive is another row's "negative" (as sentence-transformers'
 * {@code NoDuplicatesBatchSampler}). A row whose texts clash with the batch being filled waits
 * for a later batch; every row is used once per epoch (the last batches may be shorter).
 */
public final class NoDuplicatesBatchSampler implements BatchSampler {
    private final int batchSize;
    private final boolean dropLast;
    private final List<String> textColumns;

    /**
     * A no-duplicates sampler.
     *
     * @param batchSize rows per batch, at least 1
     * @param dropLast whether to leave out batches shorter than {@code batchSize}
     * @param textColumns the columns whose texts must be unique within a batch (a list column
     *     contributes all its texts)
     */
    public NoDuplicatesBatchSampler(int batchSize, boolean dropLast, String... textColumns) {
        this.batchSize = Batches.BATCH_SIZE.check(batchSize, "batch sampler 'no_duplicates'");
        this.dropLast = dropLast;
        if (textColumns.length == 0) {
            throw new IllegalArgumentException("No-duplicates sampler needs at least one text column");
        }
        this.textColumns = List.of(textColumns);
    }

    @Override
    public List<int[]> batches(List<Map<String, Object>> rows, long seed) {
        List<Set<String>> texts = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Set<String> rowTexts = new HashSet<>();
            for (String column : textColumns) {
                for (Object text : (List<?>) ColumnType.TEXT_LIST.read(rows.get(i), column, "row " + i)) {
                    rowTexts.add((String) text);
                }
            }
            texts.add(rowTexts);
        }
        Set<Integer> remaining = new LinkedHashSet<>();
        for (int index : Batches.permutation(rows.size(), new Random(seed))) {
            remaining.add(index);
        }
        List<int[]> batches = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<Integer> batch = new ArrayList<>(batchSize);
            Set<String> seen = new HashSet<>();
            for (Iterator<Integer> candidates = remaining.iterator(); candidates.hasNext() && batch.size() < batchSize; ) {
                int candidate = candidates.next();
                Set<String> candidateTexts = texts.get(candidate);
                if (candidateTexts.stream().noneMatch(seen::contains)) {
                    batch.add(candidate);
                    seen.addAll(candidateTexts);
                    candidates.remove();
                }
            }
            if (batch.size() == batchSize || !dropLast) {
                batches.add(batch.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return batches;
    }
}
