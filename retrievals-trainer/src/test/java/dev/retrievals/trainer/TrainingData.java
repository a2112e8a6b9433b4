package dev.retrievals.trainer;

import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import java.nio.file.Path;

/** Small slices of the shared datasets for trainer tests. */
final class TrainingData {
    private TrainingData() {}

    static Path dataDir() {
        return SharedData.folder();
    }

    /** English STS-B training pairs as (query, positive). */
    static Dataset englishPairs(int rows) {
        return Dataset.fromJsonl(dataDir().resolve("sts-b-en/train.jsonl")).take(rows)
                .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
    }
}
