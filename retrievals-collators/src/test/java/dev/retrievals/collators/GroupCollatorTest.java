package dev.retrievals.collators;

import static dev.retrievals.collators.BundledTokenizers.assertEachRowIsTheTextAlone;
import static dev.retrievals.collators.BundledTokenizers.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class GroupCollatorTest {
    private static final TextTokenizer TOKENIZER = BundledTokenizers.load(BundledTokenizers.BGE, 64);

    @AfterAll
    static void close() {
        TOKENIZER.close();
    }

    /** The candidate whose ids (alone) equal the unpadded ids of a batch row; fails if none does. */
    private static String whichText(TokenBatch batch, int row, List<String> candidates) {
        long[] ids = Arrays.copyOf(batch.inputIds()[row], batch.lengths()[row]);
        for (String candidate : candidates) {
            if (Arrays.equals(TOKENIZER.ids(candidate), ids)) {
                return candidate;
            }
        }
        throw new AssertionError("batch row " + row + " is none of " + candidates);
    }

    @SuppressWarnings("unchecked")
    @Test
    void drawsOnePositiveAndDistinctNegativesFromEachRow() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("triplets-stsb-zh-hardneg/train_multi_neg.jsonl", 8);
        GroupCollator collator = new GroupCollator(TOKENIZER, 32, 64, 4);
        CollatedBatch batch = collator.collate(rows);
        assertThat(batch.texts().keySet()).containsExactly(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE);
        assertEachRowIsTheTextAlone(batch.tokens(LossInputs.QUERY), column(rows, "query", ""), TOKENIZER, 1);
        TokenBatch negatives = batch.tokens(LossInputs.NEGATIVE);
        assertThat(negatives.batchSize()).isEqualTo(8 * 3);
        for (int row = 0; row < rows.size(); row++) {
            List<String> pos = (List<String>) rows.get(row).get("pos");
            List<String> neg = (List<String>) rows.get(row).get("neg");
            whichText(batch.tokens(LossInputs.POSITIVE), row, pos);
            List<String> drawn = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                drawn.add(whichText(negatives, row * 3 + k, neg));
            }
            assertThat(drawn).doesNotHaveDuplicates();
        }
    }

    @Test
    void tooFewNegativesAreRepeatedAsFlagEmbeddingDoes() {
        // 2 negatives, 5 wanted: drawn without repetition from the 2 negatives repeated ceil(5/2) = 3 times.
        Map<String, Object> row = Map.of("query", "问题", "pos", List.of("答案"), "neg", List.of("甲", "乙"));
        GroupCollator collator = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 6).build();
        for (int trial = 0; trial < 20; trial++) {
            TokenBatch negatives = collator.collate(List.of(row)).tokens(LossInputs.NEGATIVE);
            assertThat(negatives.batchSize()).isEqualTo(5);
            Map<String, Integer> counts = new HashMap<>();
            for (int k = 0; k < 5; k++) {
                counts.merge(whichText(negatives, k, List.of("甲", "乙")), 1, Integer::sum);
            }
            assertThat(counts.values()).allMatch(count -> count == 2 || count == 3);
        }
    }

    @Test
    void negativesAreDrawnUniformlyAndReproducibly() {
        List<String> negatives = List.of("一", "二", "三", "四", "五", "六", "七", "八", "九", "十");
        Map<String, Object> row = Map.of("query", "问题", "pos", List.of("答案", "回答"), "neg", negatives);
        GroupCollator collator = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 4).build();
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> positives = new HashMap<>();
        int trials = 400;
        for (int trial = 0; trial < trials; trial++) {
            CollatedBatch batch = collator.collate(List.of(row));
            for (int k = 0; k < 3; k++) {
                counts.merge(whichText(batch.tokens(LossInputs.NEGATIVE), k, negatives), 1, Integer::sum);
            }
            positives.merge(whichText(batch.tokens(LossInputs.POSITIVE), 0, List.of("答案", "回答")), 1, Integer::sum);
        }
        for (String negative : negatives) {
            assertThat(counts.get(negative) / (double) trials).as(negative).isCloseTo(0.3, within(0.08));
        }
        assertThat(positives.get("答案") / (double) trials).isCloseTo(0.5, within(0.08));

        GroupCollator again = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 4).build();
        GroupCollator fresh = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 4).build();
        GroupCollator otherSeed = GroupCollator.builder(TOKENIZER).with(GroupCollator.TRAIN_GROUP_SIZE, 4)
                .with(GroupCollator.SEED, 7).build();
        List<long[]> first = new ArrayList<>();
        List<long[]> second = new ArrayList<>();
        List<long[]> third = new ArrayList<>();
        for (int trial = 0; trial < 5; trial++) {
            first.addAll(List.of(again.collate(List.of(row)).tokens(LossInputs.NEGATIVE).inputIds()));
            second.addAll(List.of(fresh.collate(List.of(row)).tokens(LossInputs.NEGATIVE).inputIds()));
            third.addAll(List.of(otherSeed.collate(List.of(row)).tokens(LossInputs.NEGATIVE).inputIds()));
        }
        assertThat(second).usingRecursiveComparison().isEqualTo(first);
        assertThat(third).usingRecursiveComparison().isNotEqualTo(first);
    }

    @Test
    void groupSizeOneHasNoNegatives() {
        Map<String, Object> row = Map.of("query", "问题", "pos", "答案");
        CollatedBatch batch = new GroupCollator(TOKENIZER, 32, 64, 1).collate(List.of(row));
        assertThat(batch.texts().keySet()).containsExactly(LossInputs.QUERY, LossInputs.POSITIVE);
    }
}
