package dev.retrievals.collators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The rows {@code retrievals mine} writes, read as they are: n-tuples and FlagEmbedding rows, with
 * their scores handed to the loss as teacher scores aligned with the texts drawn.
 */
class MinedRowCollatorsTest {
    private static final TextTokenizer TOKENIZER = BundledTokenizers.load(BundledTokenizers.MINILM, 32);

    @AfterAll
    static void close() {
        TOKENIZER.close();
    }

    /** The text whose ids alone equal batch row {@code row}'s unpadded ids. */
    private static String textOf(TokenBatch batch, int row, List<String> candidates) {
        long[] ids = Arrays.copyOf(batch.inputIds()[row], batch.lengths()[row]);
        return candidates.stream().filter(candidate -> Arrays.equals(TOKENIZER.ids(candidate), ids)).findFirst()
                .orElseThrow(() -> new AssertionError("batch row " + row + " is none of " + candidates));
    }

    private static Map<String, Object> ntuple(int row) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("query", "question " + row);
        values.put("positive", "answer " + row);
        for (int n = 1; n <= 3; n++) {
            values.put("negative_" + n, "wrong answer " + row + " " + n);
        }
        values.put("score", List.of(0.9 - row / 100.0, 0.5, 0.4, 0.3 + row / 100.0));
        return values;
    }

    @Test
    void nTuplesGiveEveryNegativeQueryMajorAndTheScoresAsTeacherScores() {
        List<Map<String, Object>> rows = List.of(ntuple(0), ntuple(1), ntuple(2));
        Collator collator = PluginRegistry.global().create(PluginKinds.COLLATOR, "ntuple",
                Map.of("tokenizer", TOKENIZER, "num_negatives", 3, "with_scores", true));
        assertThat(collator.columnTypes()).containsEntry("negative_3", ColumnType.TEXT).containsEntry("score", ColumnType.NUMBER_LIST);
        CollatedBatch batch = collator.collate(rows);
        TokenBatch negatives = batch.tokens(LossInputs.NEGATIVE);
        assertThat(negatives.batchSize()).isEqualTo(9);
        List<String> expected = new ArrayList<>();
        for (int row = 0; row < 3; row++) {
            for (int n = 1; n <= 3; n++) {
                expected.add("wrong answer " + row + " " + n);
            }
        }
        for (int i = 0; i < 9; i++) {
            assertThat(textOf(negatives, i, expected)).isEqualTo(expected.get(i));
        }
        assertThat(batch.scoresPerRow(LossInputs.TEACHER_SCORE)).isEqualTo(4);
        assertThat(batch.scores().get(LossInputs.TEACHER_SCORE)).containsExactly(0.9f, 0.5f, 0.4f, 0.3f, 0.89f, 0.5f, 0.4f, 0.31f, 0.88f,
                0.5f, 0.4f, 0.32f);

        Map<String, Object> short1 = new LinkedHashMap<>(ntuple(1));
        short1.put("score", List.of(0.9, 0.1));
        assertThatThrownBy(() -> collator.collate(List.of(ntuple(0), short1)))
                .hasMessage("batch row 1: column 'score' has 2 numbers; expected 4 (the positive's score, then one per negative)");
        Map<String, Object> missing = new LinkedHashMap<>(ntuple(0));
        missing.remove("negative_2");
        assertThatThrownBy(() -> collator.collate(List.of(missing))).hasMessageContaining("batch row 0: column 'negative_2' not found");
    }

    private static Map<String, Object> flagRow(int row, int negatives) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("query", "question " + row);
        List<String> pos = List.of("answer " + row + " a", "answer " + row + " b");
        List<String> neg = new ArrayList<>();
        List<Double> negScores = new ArrayList<>();
        for (int n = 0; n < negatives; n++) {
            neg.add("wrong " + row + " " + n);
            negScores.add(row + n / 10.0); // a score that names the text
        }
        values.put("pos", pos);
        values.put("neg", neg);
        values.put("pos_scores", List.of(row + 0.91, row + 0.92));
        values.put("neg_scores", negScores);
        return values;
    }

    @Test
    void flagEmbeddingRowsWithScoresGiveTheDrawnDocumentsScores() {
        List<Map<String, Object>> rows = List.of(flagRow(0, 5), flagRow(1, 2), flagRow(2, 7));
        GroupCollator collator = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 4)
                .with(GroupCollator.WITH_SCORES, true).build();
        for (int round = 0; round < 3; round++) {
            CollatedBatch batch = collator.collate(rows);
            float[] teacher = batch.scores().get(LossInputs.TEACHER_SCORE);
            assertThat(batch.scoresPerRow(LossInputs.TEACHER_SCORE)).isEqualTo(4);
            for (int row = 0; row < 3; row++) {
                @SuppressWarnings("unchecked")
                List<String> pos = (List<String>) rows.get(row).get("pos");
                String positive = textOf(batch.tokens(LossInputs.POSITIVE), row, pos);
                assertThat(teacher[row * 4]).isEqualTo((float) (row + 0.91 + pos.indexOf(positive) / 100.0));
                @SuppressWarnings("unchecked")
                List<String> neg = (List<String>) rows.get(row).get("neg");
                for (int k = 0; k < 3; k++) {
                    String negative = textOf(batch.tokens(LossInputs.NEGATIVE), row * 3 + k, neg);
                    assertThat(teacher[row * 4 + 1 + k]).isEqualTo((float) (row + neg.indexOf(negative) / 10.0));
                }
            }
        }
        Map<String, Object> misaligned = new LinkedHashMap<>(flagRow(0, 3));
        misaligned.put("neg_scores", List.of(0.1));
        assertThatThrownBy(() -> collator.collate(List.of(misaligned)))
                .hasMessage("batch row 0: column 'neg_scores' has 1 numbers for 3 texts in 'neg'; expected one score per text");
    }
}
