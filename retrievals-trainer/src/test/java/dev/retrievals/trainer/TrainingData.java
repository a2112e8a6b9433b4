package dev.retrievals.trainer;

import dev.retrievals.core.data.Dataset;
import java.nio.file.Path;

/** Small slices of the shared datasets for trainer tests. */
final class TrainingData {
    private TrainingData() {}

    static Path dataDir() {
        return Path.of(System.getProperty("retrievals.data.dir", "../shared/data"));
    }

    /** English STS-B training pairs as (query, positive). */
    static Dataset englishPairs(int rows) {
        return Dataset.fromJsonl(dataDir().resolve("sts-b-en/train.jsonl")).take(rows)
                .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
    }
}
