package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import dev.retrievals.collators.PairCollator;
import dev.retrievals.collators.PointwiseCollator;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.ArcFaceAdaptiveMarginLoss;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training with two named sets on a tiny random BERT: each set's rows reach only its own collator
 * and loss, the log carries each set's mean loss, and a stopped and resumed run ends with the
 * weights of an uninterrupted one.
 */
@Tag("slow")
@Timeout(600)
class MultiDatasetTrainingTest {
    @TempDir
    Path dir;

    /** A loss that records, per call, its set's name and value, and delegates to InfoNCE. */
    private static final class RecordingLoss implements Loss {
        private final String set;
        private final List<String> calls;
        private final List<Double> values;
        private final Loss inner = InfoNCE.builder().build();

        RecordingLoss(String set, List<String> calls, List<Double> values) {
            this.set = set;
            this.calls = calls;
            this.values = values;
        }

        @Override
        public Set<String> requiredInputs() {
            return inner.requiredInputs();
        }

        @Override
        public NDArray forward(LossInputs inputs) {
            NDArray value = inner.forward(inputs);
            calls.add(set);
            values.add(value.toType(DataType.FLOAT64, false).getDouble());
            return value;
        }
    }

    /** A collator that records the queries it batches and delegates. */
    private static final class RecordingCollator implements Collator {
        private final Collator inner;
        final List<String> queries = new ArrayList<>();

        RecordingCollator(Collator inner) {
            this.inner = inner;
        }

        @Override
        public Map<String, ColumnType> columnTypes() {
            return inner.columnTypes();
        }

        @Override
        public CollatedBatch collate(List<Map<String, Object>> rows) {
            rows.forEach(row -> queries.add((String) row.get("query")));
            return inner.collate(rows);
        }
    }

    private static List<String> queries(Dataset data) {
        return data.toList().stream().map(row -> (String) row.get("query")).toList();
    }

    @Test
    void eachSetsBatchesReachOnlyItsCollatorAndLossAndTheLogHasEachSetsMeanLoss() throws Exception {
        Dataset all = TrainingData.englishPairs(28);
        Dataset first = all.take(12);
        Dataset second = Dataset.fromRows(all.toList().subList(12, 28));
        List<String> calls = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<String> stepSets = new ArrayList<>();
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(
                TinyModelFolder.write(dir.resolve("tiny"), 3).toString(), "mean")) {
            RecordingCollator collatorA = new RecordingCollator(new PairCollator(model.tokenizer(), 24, 24));
            RecordingCollator collatorB = new RecordingCollator(new PairCollator(model.tokenizer(), 24, 24));
            TrainingArguments args = TrainingArguments.builder(dir.resolve("out")).batchSize(4).numTrainEpochs(1).loggingSteps(2)
                    .learningRate(1e-3).seed(5).saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset("a", first, collatorA, new RecordingLoss("a", calls, values))
                    .trainDataset("b", second, collatorB, new RecordingLoss("b", calls, values))
                    .listener(new TrainerListener() {
                        @Override
                        public void onStepEnd(TrainerState state, TrainerControl control) {
                            stepSets.add(state.trainingSet());
                        }
                    }).build()) {
                TrainerState state = trainer.train();

                // one epoch, proportional: every row of each set, through its own collator, exactly once
                // (the first-batch check collates one batch of each set before training)
                assertThat(collatorA.queries.subList(4, collatorA.queries.size())).containsExactlyInAnyOrderElementsOf(queries(first));
                assertThat(collatorB.queries.subList(4, collatorB.queries.size())).containsExactlyInAnyOrderElementsOf(queries(second));
                // 3 batches of a, 4 of b; each step's loss is its set's loss
                assertThat(state.globalStep()).isEqualTo(7);
                assertThat(calls.stream().filter("a"::equals).count()).isEqualTo(3);
                assertThat(calls.stream().filter("b"::equals).count()).isEqualTo(4);
                assertThat(stepSets).containsExactlyElementsOf(calls);
                assertThat(new HashSet<>(calls.subList(0, 4))).as("sets mixed in the epoch's order").hasSize(2);

                // log entries at steps 2, 4, 6, 7: loss = mean of the steps since the last entry, loss/<set> = mean of that set's
                List<Map<String, Object>> entries = state.logHistory();
                assertThat(entries).extracting(e -> ((Number) e.get("step")).longValue()).containsExactly(2L, 4L, 6L, 7L);
                int from = 0;
                for (Map<String, Object> entry : entries) {
                    int to = ((Number) entry.get("step")).intValue();
                    Map<String, double[]> sums = new LinkedHashMap<>();
                    double total = 0;
                    for (int i = from; i < to; i++) {
                        total += values.get(i);
                        double[] sum = sums.computeIfAbsent(calls.get(i), k -> new double[2]);
                        sum[0] += values.get(i);
                        sum[1]++;
                    }
                    assertThat((Double) entry.get("loss")).isCloseTo(total / (to - from), within(1e-9));
                    for (String set : List.of("a", "b")) {
                        if (sums.containsKey(set)) {
                            assertThat((Double) entry.get("loss/" + set)).as("loss/%s at step %d", set, to)
                                    .isCloseTo(sums.get(set)[0] / sums.get(set)[1], within(1e-9));
                        } else {
                            assertThat(entry).as("no steps of %s before step %d", set, to).doesNotContainKey("loss/" + set);
                        }
                    }
                    from = to;
                }
            }
            List<String> metrics = Files.readAllLines(dir.resolve("out/metrics.jsonl"));
            assertThat(String.join("\n", metrics)).contains("\"loss/a\"").contains("\"loss/b\"");
        }
    }

    private Map<String, float[]> trainTwoSets(Path model, Path output, String resume, TrainerListener listener) {
        Dataset pairs = TrainingData.englishPairs(24);
        Dataset intents = Dataset.fromJsonl(TrainingData.dataDir().resolve("banking77/train.jsonl")).shuffle(3).take(24);
        LabelMap labels = LabelMap.fromDataset(intents, "label");
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString(), "mean");
                ArcFaceAdaptiveMarginLoss arcface = ArcFaceAdaptiveMarginLoss.builder(labels.size(), encoder.dimension()).build()) {
            TrainingArguments args = TrainingArguments.builder(output).batchSize(4).maxSteps(6).learningRate(1e-3).warmupSteps(1)
                    .seed(9).saveStrategy("no").multiDatasetBatchSampler("round_robin").disableProgressBar(true)
                    .resumeFromCheckpoint(resume).build();
            RetrievalTrainer.Builder builder = RetrievalTrainer.builder().model(encoder).args(args)
                    .trainDataset("pairs", pairs, new PairCollator(encoder.tokenizer(), 24, 24), InfoNCE.builder().build())
                    .trainDataset("intents", intents, new PointwiseCollator(encoder.tokenizer(), labels, 24), arcface);
            if (listener != null) {
                builder.listener(listener);
            }
            try (RetrievalTrainer trainer = builder.build()) {
                trainer.train();
                assertThat(trainer.optimizer().groups().stream().flatMap(g -> g.parameters().keySet().stream()))
                        .contains("loss.intents.arc_weight");
                Map<String, float[]> weights = new LinkedHashMap<>();
                encoder.parameters().forEach((name, array) -> weights.put(name, array.toFloatArray()));
                weights.put("arc_weight", arcface.parameters().get("arc_weight").toFloatArray());
                return weights;
            }
        }
    }

    @Test
    void aStoppedAndResumedTwoSetRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        Path model = TinyModelFolder.write(dir.resolve("tiny-dropout"), 4, 0.1);
        Map<String, float[]> uninterrupted = trainTwoSets(model, dir.resolve("a"), "", null);
        trainTwoSets(model, dir.resolve("b"), "", TrainingData.stopAfter(3));
        Path checkpoint = dir.resolve("b/checkpoint-3");
        assertThat(checkpoint.resolve("loss-intents.safetensors")).isRegularFile();
        assertThat(checkpoint.resolve("loss.safetensors")).doesNotExist();
        JsonObject saved = Checkpoints.readState(checkpoint);
        assertThat(saved.has("loss_state/intents")).isTrue();
        assertThat(saved.get("batch_in_epoch").getAsInt()).isEqualTo(3);
        Map<String, float[]> resumed = trainTwoSets(model, dir.resolve("b"), "latest", null);

        double max = TrainingData.maxDifference(uninterrupted, resumed);
        assertThat(max).as("resumed vs uninterrupted").isLessThanOrEqualTo(1e-6);
    }

    @Test
    void aSetWhoseCollatorDoesNotFeedItsLossIsNamedInTheError() throws Exception {
        Dataset pairs = TrainingData.englishPairs(8);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(
                TinyModelFolder.write(dir.resolve("tiny"), 3).toString(), "mean");
                ArcFaceAdaptiveMarginLoss arcface = ArcFaceAdaptiveMarginLoss.builder(3, model.dimension()).build()) {
            TrainingArguments args = TrainingArguments.builder(dir.resolve("out")).batchSize(4).maxSteps(1).disableProgressBar(true).build();
            PairCollator collator = new PairCollator(model.tokenizer(), 24, 24);
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset("good", pairs, collator, InfoNCE.builder().build())
                    .trainDataset("bad", pairs, collator, arcface).build()) {
                assertThatThrownBy(trainer::train).isInstanceOf(RetrievalsException.class)
                        .hasMessageStartingWith("Training set 'bad': The loss ArcFaceAdaptiveMarginLoss").hasMessageContaining("missing");
            }
            assertThatThrownBy(() -> RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset("x", pairs, collator, InfoNCE.builder().build())
                    .trainDataset("x", pairs, collator, InfoNCE.builder().build()).build())
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("Two training sets are named 'x'");
            assertThatThrownBy(() -> RetrievalTrainer.builder().model(model).args(args).trainDataset(pairs).collator(collator)
                    .loss(InfoNCE.builder().build()).trainDataset("x", pairs, collator, InfoNCE.builder().build()).build())
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("not both");
            assertThatThrownBy(() -> RetrievalTrainer.builder().model(model).args(args)
                    .trainDataset("x", pairs, collator, arcface).trainDataset("y", pairs, collator, arcface).build())
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("'y' shares its stateful loss");
            assertThatThrownBy(() -> new TrainingSet("a/b", pairs, collator, arcface)).isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("training set name 'a/b'");
        }
    }
}
