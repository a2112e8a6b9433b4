package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.BatchSampler;
import dev.retrievals.core.data.ShuffledBatchSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The order of sets and batches in a multi-dataset epoch, against orders computed here with plain loops. */
class MultiDatasetBatchSamplerTest {

    /** {@code counts[s]} batches for set s; batch b of set s holds the single row id {@code 1000 * s + b}. */
    private static List<List<int[]>> batches(int... counts) {
        List<List<int[]>> perSet = new ArrayList<>();
        for (int set = 0; set < counts.length; set++) {
            List<int[]> batches = new ArrayList<>();
            for (int b = 0; b < counts[set]; b++) {
                batches.add(new int[] {1000 * set + b});
            }
            perSet.add(batches);
        }
        return perSet;
    }

    private static List<String> describe(List<TrainingSetBatch> epoch) {
        List<String> out = new ArrayList<>();
        for (TrainingSetBatch batch : epoch) {
            out.add(batch.set() + ":" + Arrays.toString(batch.rows()));
        }
        return out;
    }

    private static int[] countsPerSet(List<TrainingSetBatch> epoch, int sets) {
        int[] counts = new int[sets];
        epoch.forEach(batch -> counts[batch.set()]++);
        return counts;
    }

    @Test
    void roundRobinTakesOneBatchOfEachSetInTurnAndStopsWhenTheSmallestRunsOut() {
        List<List<int[]>> perSet = batches(4, 6, 3);
        List<TrainingSetBatch> epoch = new MultiDatasetBatchSampler("round_robin", 1).interleave(perSet, 11);

        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) { // 3 = the smallest set's batches
            for (int set = 0; set < 3; set++) {
                expected.add(set + ":[" + (1000 * set + round) + "]");
            }
        }
        assertThat(describe(epoch)).containsExactlyElementsOf(expected);
        assertThat(countsPerSet(epoch, 3)).containsExactly(3, 3, 3);
    }

    @Test
    void roundRobinIsTheSameForEverySeed() {
        MultiDatasetBatchSampler sampler = new MultiDatasetBatchSampler("round_robin", 1);
        assertThat(describe(sampler.interleave(batches(2, 5), 1))).isEqualTo(describe(sampler.interleave(batches(2, 5), 99)));
    }

    @Test
    void proportionalUsesEveryBatchInTheOrderOfASeededShuffleOfTheSets() {
        int[] counts = {5, 12, 3};
        long epochSeed = 1234;
        List<TrainingSetBatch> epoch = new MultiDatasetBatchSampler("proportional", 1).interleave(batches(counts), epochSeed);

        // the documented draw: Fisher-Yates over [0 x5, 1 x12, 2 x3] with java.util.Random(orderSeed)
        int total = 5 + 12 + 3;
        int[] sets = new int[total];
        int position = 0;
        for (int set = 0; set < counts.length; set++) {
            for (int b = 0; b < counts[set]; b++) {
                sets[position++] = set;
            }
        }
        Random random = new Random(MultiDatasetBatchSampler.orderSeed(epochSeed));
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = sets[i];
            sets[i] = sets[j];
            sets[j] = swap;
        }
        int[] next = new int[counts.length];
        List<String> expected = new ArrayList<>();
        for (int set : sets) {
            expected.add(set + ":[" + (1000 * set + next[set]++) + "]");
        }
        assertThat(describe(epoch)).containsExactlyElementsOf(expected);
        assertThat(countsPerSet(epoch, 3)).containsExactly(5, 12, 3);
    }

    @Test
    void proportionalMixesTheSetsAndChangesTheMixWithTheEpoch() {
        MultiDatasetBatchSampler sampler = new MultiDatasetBatchSampler("proportional", 1);
        List<String> epoch0 = describe(sampler.interleave(batches(20, 20), 100));
        List<String> epoch1 = describe(sampler.interleave(batches(20, 20), 101));
        assertThat(epoch0).isNotEqualTo(epoch1);
        // not set 0 then set 1: some batch of set 1 comes before the last of set 0
        assertThat(epoch0.indexOf("1:[1000]")).isLessThan(epoch0.indexOf("0:[19]"));
        assertThat(describe(sampler.interleave(batches(20, 20), 100))).isEqualTo(epoch0);
    }

    @Test
    void withGradientAccumulationEachStepsBatchesComeFromOneSet() {
        int[] counts = {5, 4, 7};
        for (String strategy : List.of("round_robin", "proportional")) {
            List<TrainingSetBatch> epoch = new MultiDatasetBatchSampler(strategy, 2).interleave(batches(counts), 7);
            // cut into steps as the trainer does: up to 2 consecutive batches of one set
            List<List<TrainingSetBatch>> steps = new ArrayList<>();
            for (TrainingSetBatch batch : epoch) {
                List<TrainingSetBatch> last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
                if (last == null || last.size() == 2 || last.get(0).set() != batch.set()) {
                    steps.add(new ArrayList<>());
                }
                steps.get(steps.size() - 1).add(batch);
            }
            int[] stepsPerSet = new int[3];
            for (List<TrainingSetBatch> step : steps) {
                stepsPerSet[step.get(0).set()]++;
                // the batches of one step are consecutive batches of their set
                for (int i = 1; i < step.size(); i++) {
                    assertThat(step.get(i).rows()[0]).isEqualTo(step.get(i - 1).rows()[0] + 1);
                }
            }
            if (strategy.equals("round_robin")) {
                // ceil(4 / 2) = 2 steps of the smallest set, so 2 of each
                assertThat(stepsPerSet).as(strategy).containsExactly(2, 2, 2);
            } else {
                assertThat(stepsPerSet).as(strategy).containsExactly(3, 2, 4); // ceil(5/2), ceil(4/2), ceil(7/2)
                assertThat(countsPerSet(epoch, 3)).containsExactly(5, 4, 7);
            }
        }
    }

    @Test
    void eachSetsBatchesComeFromItsOwnSamplerSeededPerEpochAndSet() {
        List<Map<String, Object>> rowsA = rows(10);
        List<Map<String, Object>> rowsB = rows(10);
        BatchSampler shuffled = new ShuffledBatchSampler(3, false);
        long epochSeed = 42L;
        List<TrainingSetBatch> epoch = new MultiDatasetBatchSampler("proportional", 1)
                .batches(List.of(shuffled, shuffled), List.of(rowsA, rowsB), epochSeed);

        List<String> setA = new ArrayList<>();
        List<String> setB = new ArrayList<>();
        epoch.forEach(batch -> (batch.set() == 0 ? setA : setB).add(Arrays.toString(batch.rows())));
        List<String> expectedA = shuffled.batches(rowsA, epochSeed).stream().map(Arrays::toString).toList();
        List<String> expectedB = shuffled.batches(rowsB, MultiDatasetBatchSampler.setSeed(epochSeed, 1)).stream()
                .map(Arrays::toString).toList();
        assertThat(setA).containsExactlyElementsOf(expectedA); // set 0 is seeded as a single-set run
        assertThat(setB).containsExactlyElementsOf(expectedB);
        assertThat(setA).as("two equal sets are shuffled differently").isNotEqualTo(setB);
    }

    @Test
    void aSingleSetKeepsItsSamplersOrderUnderBothStrategies() {
        List<Map<String, Object>> rows = rows(17);
        BatchSampler shuffled = new ShuffledBatchSampler(4, false);
        List<String> expected = shuffled.batches(rows, 9).stream().map(b -> "0:" + Arrays.toString(b)).toList();
        for (String strategy : List.of("round_robin", "proportional")) {
            assertThat(describe(new MultiDatasetBatchSampler(strategy, 3).batches(List.of(shuffled), List.of(rows), 9)))
                    .as(strategy).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anUnknownStrategyIsRefusedByName() {
        assertThatThrownBy(() -> new MultiDatasetBatchSampler("random", 1)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("multi_dataset_batch_sampler is 'random'").hasMessageContaining("round_robin");
        assertThatThrownBy(() -> TrainingArguments.builder(java.nio.file.Path.of("out")).multiDatasetBatchSampler("cyclic").build())
                .isInstanceOf(RetrievalsException.class).hasMessageContaining("multi_dataset_batch_sampler");
    }

    private static List<Map<String, Object>> rows(int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(Map.of("text", "row " + i));
        }
        return rows;
    }
}
