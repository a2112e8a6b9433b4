package dev.retrievals.trainer.gradcache;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of consecutive rows of a collated batch, with every role's texts, labels and scores of
 * those rows, and the dropout seed its texts are embedded with. A role with {@code n} texts per row
 * (hard negatives, query-major) contributes {@code n} texts per row of the chunk.
 *
 * @param index the chunk's position in the batch, from 0
 * @param firstRow the batch row the chunk starts at
 * @param seed the random seed set before embedding this chunk (the batch's own seed for chunk 0)
 * @param rows the chunk's rows as a batch of their own
 */
public record BatchChunk(int index, int firstRow, int seed, CollatedBatch rows) {

    /**
     * Splits a batch into chunks of at most {@code miniBatchSize} rows, in order. Chunk 0 gets
     * {@code batchSeed} itself, so a batch that fits in one chunk is embedded exactly as without
     * chunking; chunk {@code k > 0} gets a seed mixed from {@code batchSeed} and {@code k}.
     *
     * @throws RetrievalsException when a role's texts are not a whole multiple of the batch's rows
     */
    public static List<BatchChunk> split(CollatedBatch batch, int miniBatchSize, int batchSeed) {
        if (miniBatchSize < 1) {
            throw new IllegalArgumentException("miniBatchSize must be at least 1, got " + miniBatchSize);
        }
        Map<String, Integer> textsPerRow = textsPerRow(batch);
        List<BatchChunk> chunks = new ArrayList<>();
        for (int start = 0; start < batch.size(); start += miniBatchSize) {
            int end = Math.min(batch.size(), start + miniBatchSize);
            Map<String, TokenBatch> texts = new LinkedHashMap<>();
            for (Map.Entry<String, TokenBatch> entry : batch.texts().entrySet()) {
                int perRow = textsPerRow.get(entry.getKey());
                texts.put(entry.getKey(), slice(entry.getValue(), start * perRow, end * perRow));
            }
            Map<String, long[]> labels = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> entry : batch.labels().entrySet()) {
                labels.put(entry.getKey(), Arrays.copyOfRange(entry.getValue(), start, end));
            }
            Map<String, float[]> scores = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> entry : batch.scores().entrySet()) {
                int perRow = batch.scoresPerRow(entry.getKey());
                scores.put(entry.getKey(), Arrays.copyOfRange(entry.getValue(), start * perRow, end * perRow));
            }
            int index = chunks.size();
            chunks.add(new BatchChunk(index, start, chunkSeed(batchSeed, index), new CollatedBatch(end - start, texts, labels, scores)));
        }
        return chunks;
    }

    /** The index of this chunk's first text of {@code role} among the whole batch's texts of that role. */
    public int firstText(String role) {
        return firstRow * (rows.tokens(role).batchSize() / rows.size());
    }

    /** The seed of chunk {@code index} of a batch seeded {@code batchSeed}: the batch seed for chunk 0, else a SplitMix64 mix. */
    static int chunkSeed(int batchSeed, int index) {
        if (index == 0) {
            return batchSeed;
        }
        long z = batchSeed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32)) & Integer.MAX_VALUE;
    }

    private static Map<String, Integer> textsPerRow(CollatedBatch batch) {
        Map<String, Integer> perRow = new LinkedHashMap<>();
        for (Map.Entry<String, TokenBatch> entry : batch.texts().entrySet()) {
            int texts = entry.getValue().batchSize();
            if (batch.size() == 0 || texts % batch.size() != 0 || texts == 0) {
                throw new RetrievalsException("Gradient caching splits a batch by rows, but role '" + entry.getKey() + "' has "
                        + texts + " texts for " + batch.size() + " rows (expected a positive whole multiple, query-major)");
            }
            perRow.put(entry.getKey(), texts / batch.size());
        }
        return perRow;
    }

    private static TokenBatch slice(TokenBatch tokens, int from, int to) {
        return new TokenBatch(Arrays.copyOfRange(tokens.inputIds(), from, to), Arrays.copyOfRange(tokens.attentionMask(), from, to),
                Arrays.copyOfRange(tokens.tokenTypeIds(), from, to), tokens.promptLength());
    }
}
