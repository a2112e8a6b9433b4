package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.spi.InvalidOptionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSamplersTest {
    private static final List<Map<String, Object>> STS =
            Dataset.fromJsonl(DatasetReadingTest.DATA.resolve("sts-b-zh/train.jsonl")).take(500).toList();

    private static List<Integer> flatten(List<int[]> batches) {
        List<Integer> all = new ArrayList<>();
        for (int[] batch : batches) {
            for (int index : batch) {
                all.add(index);
            }
        }
        return all;
    }

    private static List<Integer> range(int size) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void shuffledUsesEveryRowOnceInASeededOrder() {
        ShuffledBatchSampler sampler = new ShuffledBatchSampler(32, false);
        List<int[]> batches = sampler.batches(STS, 3);
        assertThat(flatten(batches)).containsExactlyInAnyOrderElementsOf(range(500)).isNotEqualTo(range(500));
        assertThat(batches).hasSize(16); // 15 × 32 + 20
        assertThat(batches.get(15)).hasSize(20);
        assertThat(flatten(sampler.batches(STS, 3))).isEqualTo(flatten(batches));
        assertThat(flatten(sampler.batches(STS, 4))).isNotEqualTo(flatten(batches));
        assertThat(new ShuffledBatchSampler(32, true).batches(STS, 3)).hasSize(15).allMatch(batch -> batch.length == 32);
        assertThatThrownBy(() -> new ShuffledBatchSampler(0, false)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'batch_size' of batch sampler 'shuffled' is 0; allowed: an integer in [1, +inf)");
    }

    private static int chars(Map<String, Object> row) {
        return ((String) row.get("sentence1")).length() + ((String) row.get("sentence2")).length();
    }

    /** Padding if each batch is padded to its longest row, in characters. */
    private static long paddedChars(List<int[]> batches) {
        long padding = 0;
        for (int[] batch : batches) {
            int longest = Arrays.stream(batch).map(i -> chars(STS.get(i))).max().orElse(0);
            for (int index : batch) {
                padding += longest - chars(STS.get(index));
            }
        }
        return padding;
    }

    @Test
    void lengthGroupingCutsPaddingAndKeepsBatchOrderRandom() {
        LengthGroupedBatchSampler grouped = LengthGroupedBatchSampler.byCharacters(16, "sentence1", "sentence2");
        List<int[]> batches = grouped.batches(STS, 1);
        assertThat(flatten(batches)).containsExactlyInAnyOrderElementsOf(range(500));
        long groupedPadding = paddedChars(batches);
        long randomPadding = paddedChars(new ShuffledBatchSampler(16, false).batches(STS, 1));
        assertThat(groupedPadding).isLessThan(randomPadding / 4);
        // One mega-batch here (500 < 16 × 50): sorted batches would have falling longest lengths.
        List<Integer> longest = batches.stream().map(b -> Arrays.stream(b).map(i -> chars(STS.get(i))).max().orElseThrow()).toList();
        List<Integer> falling = new ArrayList<>(longest);
        falling.sort((a, b) -> b - a);
        assertThat(longest).isNotEqualTo(falling);
        assertThat(flatten(grouped.batches(STS, 2))).isNotEqualTo(flatten(batches));
    }

    @Test
    void noDuplicatesKeepsEveryTextOncePerBatch() {
        // SICK reuses sentences across pairs by design.
        List<Map<String, Object>> sick = Dataset.fromJsonl(DatasetReadingTest.DATA.resolve("sick-en/train.jsonl")).take(400)
                .selectColumns("sentence1", "sentence2").toList();
        Set<String> distinct = new HashSet<>();
        int texts = 0;
        for (Map<String, Object> row : sick) {
            distinct.add((String) row.get("sentence1"));
            distinct.add((String) row.get("sentence2"));
            texts += 2;
        }
        assertThat(distinct.size()).isLessThan(texts); // the data really repeats texts
        List<int[]> shuffled = new ShuffledBatchSampler(64, false).batches(sick, 5);
        assertThat(shuffled.stream().anyMatch(batch -> hasRepeat(sick, batch))).isTrue();

        List<int[]> batches = new NoDuplicatesBatchSampler(64, false, "sentence1", "sentence2").batches(sick, 5);
        assertThat(flatten(batches)).containsExactlyInAnyOrderElementsOf(range(sick.size()));
        assertThat(batches).noneMatch(batch -> hasRepeat(sick, batch));
        assertThat(batches.get(0)).hasSize(64);
    }

    @Test
    void noDuplicatesWithOneSharedPositiveGivesOneSuchRowPerBatch() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(Map.of("query", "q" + i, "positive", i < 4 ? "shared" : "p" + i));
        }
        List<int[]> batches = new NoDuplicatesBatchSampler(4, false, "query", "positive").batches(rows, 9);
        assertThat(flatten(batches)).containsExactlyInAnyOrderElementsOf(range(12));
        assertThat(batches).noneMatch(batch -> hasRepeat(rows, batch));
        List<int[]> full = new NoDuplicatesBatchSampler(4, true, "query", "positive").batches(rows, 9);
        assertThat(full).allMatch(batch -> batch.length == 4).noneMatch(batch -> hasRepeat(rows, batch));
    }

    private static boolean hasRepeat(List<Map<String, Object>> rows, int[] batch) {
        Set<String> seen = new HashSet<>();
        for (int index : batch) {
            Set<String> rowTexts = new HashSet<>();
            for (Object value : rows.get(index).values()) {
                rowTexts.add((String) value);
            }
            for (String text : rowTexts) {
                if (!seen.add(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void groupByLabelPutsEachLabelAtLeastTwiceInABatch() {
        List<Map<String, Object>> banking = Dataset.fromJsonl(DatasetReadingTest.DATA.resolve("banking77/train.jsonl"))
                .shuffle(11).take(400).toList();
        Map<Object, Integer> counts = new HashMap<>();
        banking.forEach(row -> counts.merge(row.get("label"), 1, Integer::sum));
        int usable = counts.values().stream().mapToInt(count -> count - count % 2).sum();

        List<int[]> batches = new GroupByLabelBatchSampler(16, 2, "label").batches(banking, 2);
        assertThat(flatten(batches)).hasSize(usable).doesNotHaveDuplicates();
        for (int[] batch : batches) {
            Map<Object, Integer> inBatch = new HashMap<>();
            Arrays.stream(batch).forEach(i -> inBatch.merge(banking.get(i).get("label"), 1, Integer::sum));
            assertThat(inBatch.values()).allMatch(count -> count >= 2);
        }
        assertThatThrownBy(() -> new GroupByLabelBatchSampler(15, 2, "label"))
                .hasMessageContaining("'batch_size'").hasMessageContaining("is 15").hasMessageContaining("multiple of samples_per_label (2)");
    }
}
