package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.data.DataException;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STS evaluator with hand-picked 2-d vectors: each first sentence is (1, 0) and each second
 * sentence a unit vector at a known angle, so every cosine is known.
 */
class StsEvaluatorTest {
    private static final String ROWS = """
            {"a": "p1", "b": "q1", "gold": 5.0}
            {"a": "p2", "b": "q2", "gold": 4}
            {"a": "p3", "b": "q3", "gold": 3.0}
            {"a": "p4", "b": "q4", "gold": 1.0}
            """;

    @TempDir
    Path dir;

    /** Cosines 1, 0.5, 0.707, 0 (angles 0, 60, 45, 90 degrees); the second sentence may be longer than unit. */
    private static StubEncoder encoder() {
        return new StubEncoder()
                .put("p1", 1, 0).put("p2", 1, 0).put("p3", 2, 0).put("p4", 1, 0)
                .put("q1", 3, 0)
                .put("q2", 0.5f, (float) Math.sqrt(0.75))
                .put("q3", 1, 1)
                .put("q4", 0, 4);
    }

    @Test
    void correlatesTheCosinesWithTheGoldScores() throws IOException {
        Path file = write("sts.jsonl", ROWS);
        StsEvaluator evaluator = StsEvaluator.builder(file).columns("a", "b", "gold").batchSize(3).build();

        EvaluationResult result = evaluator.evaluate(encoder());

        // Ranks of the cosines [1, .5, .707, 0] are [4, 2, 3, 1]; of the gold scores [4, 3, 2, 1]:
        // squared rank differences sum to 2, so Spearman = 1 - 6 * 2 / (4 * 15).
        assertThat(result.primaryMetric()).isEqualTo("spearman");
        assertThat(result.higherIsBetter()).isTrue();
        assertThat(result.primary()).isCloseTo(1 - 6 * 2 / 60.0, within(1e-12));
        double[] cosines = {1, 0.5, Math.sqrt(0.5), 0};
        double[] gold = {5, 4, 3, 1};
        assertThat(result.metrics().get("pearson")).isCloseTo(PlainMath.pearsonBySums(cosines, gold), within(1e-7));
        assertThat(evaluator.size()).isEqualTo(4);
    }

    @Test
    void handsTheEncoderBatchesOfTheGivenSize() throws IOException {
        StubEncoder encoder = encoder();
        StsEvaluator.builder(write("sts.jsonl", ROWS)).columns("a", "b", "gold").batchSize(3).build().evaluate(encoder);

        assertThat(encoder.calls()).extracting(batch -> batch.size()).containsExactly(3, 1, 3, 1);
    }

    @Test
    void theRegistryCreatesItFromTextOptions() throws IOException {
        Path file = write("sts.jsonl", ROWS);
        Evaluator evaluator = PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of(
                "path", file.toString(), "sentence1_column", "a", "sentence2_column", "b", "score_column", "gold",
                "max_rows", "3"));

        // The first three pairs: cosines [1, .5, .707] against gold [5, 4, 3] rank as [3, 1, 2] and [3, 2, 1].
        assertThat(evaluator.evaluate(encoder()).primary()).isCloseTo(1 - 6 * 2 / 24.0, within(1e-12));
    }

    @Test
    void badOptionsNameTheOptionAndTheAllowedValues() {
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of("path", "x.jsonl",
                "batch_size", "0")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'batch_size' of evaluator 'sts' is '0'; allowed: an integer in [1, +inf)");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.EVALUATOR, "sts", Map.of()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("Missing required option path");
        assertThatThrownBy(() -> StsEvaluator.builder(Path.of("x.jsonl")).maxRows(-1))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("'max_rows'");
    }

    @Test
    void aBadRowIsReportedWithFileLineAndColumn() throws IOException {
        Path file = write("bad.jsonl", """
                {"sentence1": "a", "sentence2": "b", "score": 1}
                {"sentence1": "a", "sentence2": "b", "score": "high"}
                """);

        assertThatThrownBy(() -> StsEvaluator.builder(file).build())
                .isInstanceOf(DataException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("column 'score' should be a number, found text 'high'");
    }

    @Test
    void constantGoldScoresAreRefused() throws IOException {
        Path file = write("flat.jsonl", """
                {"sentence1": "a", "sentence2": "b", "score": 2}
                {"sentence1": "c", "sentence2": "d", "score": 2}
                """);

        assertThatThrownBy(() -> StsEvaluator.builder(file).build())
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": every gold score in column 'score' is 2.0; a correlation needs scores that vary");
    }

    @Test
    void aSinglePairIsRefusedWithTheFileName() throws IOException {
        Path file = write("one.jsonl", """
                {"sentence1": "a", "sentence2": "b", "score": 2}
                """);

        assertThatThrownBy(() -> StsEvaluator.builder(file).build())
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": 1 sentence pairs; an STS evaluation needs at least 2");
    }

    @Test
    void aModelThatGivesEveryPairTheSameCosineScoresNaN() throws IOException {
        StubEncoder collapsed = new StubEncoder();
        for (String text : new String[] {"p1", "p2", "p3", "p4", "q1", "q2", "q3", "q4"}) {
            collapsed.put(text, 1, 1);
        }
        EvaluationResult result = StsEvaluator.builder(write("sts.jsonl", ROWS)).columns("a", "b", "gold").build()
                .evaluate(collapsed);

        assertThat(result.primary()).isNaN();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
