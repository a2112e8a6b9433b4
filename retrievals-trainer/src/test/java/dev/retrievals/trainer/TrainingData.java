package dev.retrievals.trainer;

import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small slices of the shared datasets for trainer tests. */
final class TrainingData {
    private TrainingData() {}

    static Path dataDir() {
        return SharedData.folder();
    }

    /** The first {@code lines} lines of a file, written to {@code target}. */
    static Path firstLines(Path source, int lines, Path target) throws IOException {
        Files.write(target, Files.readAllLines(source, StandardCharsets.UTF_8).subList(0, lines), StandardCharsets.UTF_8);
        return target;
    }

    /** A listener that stops training after step {@code step} (which writes a checkpoint there). */
    static TrainerListener stopAfter(long step) {
        return new TrainerListener() {
            @Override
            public void onStepEnd(TrainerState state, TrainerControl control) {
                if (state.globalStep() == step) {
                    control.requestStop("test stops halfway");
                }
            }
        };
    }

    /** English STS-B training pairs as (query, positive). */
    static Dataset englishPairs(int rows) {
        return Dataset.fromJsonl(dataDir().resolve("sts-b-en/train.jsonl")).take(rows)
                .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
    }

    /** The largest absolute difference between same-named weights of two runs ({@code b} holds every name of {@code a}). */
    static double maxDifference(java.util.Map<String, float[]> a, java.util.Map<String, float[]> b) {
        double max = 0;
        for (java.util.Map.Entry<String, float[]> entry : a.entrySet()) {
            float[] other = b.get(entry.getKey());
            for (int i = 0; i < other.length; i++) {
                max = Math.max(max, Math.abs(entry.getValue()[i] - other[i]));
            }
        }
        return max;
    }
}
