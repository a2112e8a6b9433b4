package dev.retrievals.trainer.gradcache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.collators.TripletCollator;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.model.TrainableEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small real batches and gradient helpers for the gradient-cache tests. */
final class Fixtures {
    static final int MAX_LENGTH = 24;

    private Fixtures() {}

    static Path dataDir() {
        return SharedData.folder();
    }

    /** English STS-B rows as (query, positive) pairs. */
    static Dataset pairs(int rows) {
        return stsRows(rows).renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
    }

    /** English STS-B rows with both roles the same sentence, for unsupervised SimCSE. */
    static Dataset sameSentencePairs(int rows) {
        return stsRows(rows).selectColumns("sentence1").map(row -> Map.of("query", row.get("sentence1"), "positive", row.get("sentence1")));
    }

    static CollatedBatch pairBatch(TrainableEncoder model, Dataset rows) {
        return new PairCollator(model.tokenizer(), MAX_LENGTH, MAX_LENGTH).collate(rows.toList());
    }

    static CollatedBatch scoredPairBatch(TrainableEncoder model, int rows) {
        return new ScoredPairCollator(model.tokenizer(), MAX_LENGTH).collate(stsRows(rows).toList());
    }

    static CollatedBatch tripletBatch(TrainableEncoder model, int rows) {
        List<Map<String, Object>> triplets = Dataset.fromJsonl(dataDir().resolve("triplets-sick-en/train.jsonl")).take(rows).toList();
        return new TripletCollator(model.tokenizer(), MAX_LENGTH, MAX_LENGTH).collate(triplets);
    }

    private static Dataset stsRows(int rows) {
        return Dataset.fromJsonl(dataDir().resolve("sts-b-en/train.jsonl")).take(rows);
    }

    /** A copy of every trainable parameter's gradient, by name (zeros where there is none). */
    static Map<String, float[]> gradients(TrainableEncoder model) {
        Map<String, float[]> copies = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, parameter) -> {
            try (NDArray gradient = parameter.getGradient()) {
                copies.put(name, gradient.toFloatArray());
            }
        });
        return copies;
    }

    /** Sets every trainable parameter's gradient to zero. */
    static void zeroGradients(TrainableEncoder model) {
        for (NDArray parameter : model.trainableParameters().values()) {
            try (NDArray gradient = parameter.getGradient()) {
                gradient.set(new NDIndex("..."), 0);
            }
        }
    }

    /** The largest absolute difference between two sets of arrays of the same names and sizes. */
    static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
        double max = 0;
        for (Map.Entry<String, float[]> entry : a.entrySet()) {
            float[] other = b.get(entry.getKey());
            for (int i = 0; i < other.length; i++) {
                max = Math.max(max, Math.abs((double) entry.getValue()[i] - other[i]));
            }
        }
        return max;
    }

    /** The largest absolute value among the arrays. */
    static double maxAbsolute(Map<String, float[]> arrays) {
        double max = 0;
        for (float[] values : arrays.values()) {
            for (float value : values) {
                max = Math.max(max, Math.abs(value));
            }
        }
        return max;
    }
}
