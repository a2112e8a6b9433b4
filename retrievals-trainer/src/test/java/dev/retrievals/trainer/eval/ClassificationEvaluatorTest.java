package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.data.DataException;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classification evaluator with 2-d unit vectors at known angles. Training texts: A at 0° and
 * 20°, B at 90° and 70°, C at 45°; the class centroids point at 10° (A), 80° (B) and 45° (C).
 * Test texts: x1 (A) at 10°, x2 (C) at 50°, x3 (B) at 60°, x4 (B) at 30°.
 */
class ClassificationEvaluatorTest {
    @TempDir
    Path dir;
    private Path train;
    private Path test;

    @BeforeEach
    void writeFiles() throws IOException {
        train = Files.writeString(dir.resolve("train.jsonl"), """
                {"text": "a1", "label": "A"}
                {"text": "a2", "label": "A"}
                {"text": "b1", "label": "B"}
                {"text": "b2", "label": "B"}
                {"text": "c1", "label": "C"}
                """);
        test = Files.writeString(dir.resolve("test.jsonl"), """
                {"text": "x1", "label": "A"}
                {"text": "x2", "label": "C"}
                {"text": "x3", "label": "B"}
                {"text": "x4", "label": "B"}
                """);
    }

    private static StubEncoder encoder() {
        StubEncoder encoder = new StubEncoder();
        String[] texts = {"a1", "a2", "b1", "b2", "c1", "x1", "x2", "x3", "x4", "x5"};
        int[] degrees = {0, 20, 90, 70, 45, 10, 50, 60, 30, 85};
        for (int i = 0; i < texts.length; i++) {
            double radians = Math.toRadians(degrees[i]);
            // Lengths differ on purpose: only directions may matter.
            float length = 1 + i % 3;
            encoder.put(texts[i], (float) (length * Math.cos(radians)), (float) (length * Math.sin(radians)));
        }
        return encoder;
    }

    @Test
    void scoresKnnAndNearestCentroidAccuracy() {
        ClassificationEvaluator evaluator = ClassificationEvaluator.builder(train, test).k(3).batchSize(2).build();

        EvaluationResult result = evaluator.evaluate(encoder());

        // k = 3 neighbours: x1 -> a1, a2 (tied at 10°, both A), c1: A, right. x2 -> c1, b2, a2: one vote
        // each, the nearest (c1) wins: C, right. x3 -> b2, c1, b1: B, right. x4 -> a2, c1, a1: A, wrong.
        assertThat(result.primaryMetric()).isEqualTo("knn_accuracy");
        assertThat(result.higherIsBetter()).isTrue();
        assertThat(result.primary()).isCloseTo(3 / 4.0, within(1e-12));
        // Centroids: x1 -> A (0° away), x2 -> C (5°), x3 -> C (15°, B is 20°), x4 -> C (15°, A is 20°).
        assertThat(result.metrics().get("centroid_accuracy")).isCloseTo(2 / 4.0, within(1e-12));
    }

    @Test
    void theRegistryCreatesItFromTextOptionsAndTiesGoToTheNearestLabel() {
        Evaluator evaluator = PluginRegistry.global().create(PluginKinds.EVALUATOR, "classification", Map.of(
                "train_path", train.toString(), "test_path", test.toString(), "max_test_rows", "3"));

        // k = 5 (the default) votes with all training texts: A, B two votes each, C one.
        // x1: A (a1 is nearest) right; x2: B (b2 at 20° is nearer than a2 at 30°) wrong; x3: B right.
        assertThat(evaluator.evaluate(encoder()).primary()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void aTestLabelTheTrainingFileLacksCountsAsAnError() throws IOException {
        Path withUnseen = Files.writeString(dir.resolve("unseen.jsonl"), """
                {"text": "x1", "label": "A"}
                {"text": "x5", "label": "D"}
                """);

        EvaluationResult result = ClassificationEvaluator.builder(train, withUnseen).k(1).build().evaluate(encoder());

        assertThat(result.metrics()).containsEntry("knn_accuracy", 0.5).containsEntry("centroid_accuracy", 0.5);
    }

    @Test
    void aBadRowIsReportedWithFileLineAndColumn() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), """
                {"text": "x1", "label": "A"}
                {"text": "x2", "class": "C"}
                """);

        assertThatThrownBy(() -> ClassificationEvaluator.builder(train, bad).build())
                .isInstanceOf(DataException.class)
                .hasMessageContaining(bad + " line 2")
                .hasMessageContaining("column 'label' not found");
    }
}
