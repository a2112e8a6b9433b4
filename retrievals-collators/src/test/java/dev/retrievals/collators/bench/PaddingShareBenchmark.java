package dev.retrievals.collators.bench;

import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.BatchSampler;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LengthGroupedBatchSampler;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.data.ShuffledBatchSampler;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the share of padding tokens when Chinese STS-B train pairs
 * ({@code shared/data/sts-b-zh/train.jsonl}) are collated in batches of 32 with bge-small-zh's
 * tokenizer (max 128 tokens), for randomly shuffled batches and for length-grouped batches (by
 * characters, and by tokens). Both sentences of a pair count; each is padded to the longest in
 * its batch. Run from the checkout root:
 *
 * <pre>mvn -B -o -q verify -pl retrievals-collators -am -DskipTests -Ppadding-benchmark</pre>
 */
public final class PaddingShareBenchmark {
    private static final int BATCH_SIZE = 32;
    private static final int EPOCHS = 3;

    private PaddingShareBenchmark() {}

    /** Runs the benchmark; the data folder comes from {@code -Dretrievals.data.dir}. */
    public static void main(String[] args) throws Exception {
        Path data = SharedData.folder();
        List<Map<String, Object>> rows = Dataset.fromJsonl(data.resolve("sts-b-zh/train.jsonl")).toList();
        try (InputStream json = PaddingShareBenchmark.class.getResourceAsStream("/bge-small-zh-v1.5-tokenizer.json");
                TextTokenizer tokenizer = TextTokenizer.fromStream(json, "bge-small-zh-v1.5", 128, 0)) {
            ScoredPairCollator collator = new ScoredPairCollator(tokenizer, 128);
            Map<String, BatchSampler> samplers = new LinkedHashMap<>();
            samplers.put("random (shuffled)", new ShuffledBatchSampler(BATCH_SIZE, false));
            samplers.put("length-grouped by characters", LengthGroupedBatchSampler.byCharacters(BATCH_SIZE, "sentence1", "sentence2"));
            samplers.put("length-grouped by tokens", new LengthGroupedBatchSampler(BATCH_SIZE, 50, false,
                    row -> tokenizer.ids((String) row.get("sentence1")).length + tokenizer.ids((String) row.get("sentence2")).length));
            System.out.printf("sts-b-zh/train.jsonl: %d pairs, batches of %d, bge-small-zh-v1.5 tokenizer (max 128), %d epochs%n",
                    rows.size(), BATCH_SIZE, EPOCHS);
            System.out.printf("%-30s %14s %14s %14s%n", "batches", "padding share", "positions", "real tokens");
            for (Map.Entry<String, BatchSampler> sampler : samplers.entrySet()) {
                long positions = 0;
                long real = 0;
                for (int epoch = 0; epoch < EPOCHS; epoch++) {
                    for (int[] indices : sampler.getValue().batches(rows, epoch)) {
                        List<Map<String, Object>> batch = new ArrayList<>(indices.length);
                        for (int index : indices) {
                            batch.add(rows.get(index));
                        }
                        CollatedBatch collated = collator.collate(batch);
                        for (TokenBatch part : collated.texts().values()) {
                            positions += (long) part.batchSize() * part.sequenceLength();
                            for (int length : part.lengths()) {
                                real += length;
                            }
                        }
                    }
                }
                System.out.printf("%-30s %13.1f%% %14d %14d%n", sampler.getKey(), 100.0 * (positions - real) / positions, positions, real);
            }
        }
    }
}
