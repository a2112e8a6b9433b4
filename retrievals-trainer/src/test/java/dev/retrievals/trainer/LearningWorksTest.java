package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.collators.PointwiseCollator;
import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.losses.ArcFaceAdaptiveMarginLoss;
import dev.retrievals.losses.CoSENT;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.ClassificationEvaluator;
import dev.retrievals.trainer.eval.StsEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning improves real models on real data (small runs; the figures are printed). */
class LearningWorksTest {
    @TempDir
    Path dir;

    private static Path firstLines(Path source, int lines, Path target) throws IOException {
        Files.write(target, Files.readAllLines(source, StandardCharsets.UTF_8).subList(0, lines), StandardCharsets.UTF_8);
        return target;
    }

    @Test
    void coSentOnChineseStsRaisesSpearmanAndInfoNceWithLabelSmoothingRuns() throws IOException {
        Path valid = firstLines(TrainingData.dataDir().resolve("sts-b-zh/valid.jsonl"), 200, dir.resolve("valid.jsonl"));
        Evaluator sts = StsEvaluator.builder(valid).build();
        Dataset train = Dataset.fromJsonl(TrainingData.dataDir().resolve("sts-b-zh/train.jsonl")).take(320);
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("bge-small-zh-v1.5")) {
            double before = sts.evaluate(model).primary();
            TrainingArguments args = TrainingArguments.builder(dir.resolve("cosent")).batchSize(16).numTrainEpochs(1)
                    .learningRate(3e-5).warmupRatio(0.1).saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(train)
                    .collator(new ScoredPairCollator(model.tokenizer(), 48)).loss(CoSENT.create()).build()) {
                trainer.train();
            }
            double after = sts.evaluate(model).primary();
            System.out.printf("CoSENT on 320 sts-b-zh pairs, Spearman on 200 valid pairs: before %.4f, after %.4f%n", before, after);
            assertThat(after).isGreaterThan(before);

            Dataset positives = train.filter(row -> ((Number) row.get("score")).doubleValue() >= 4)
                    .renameColumn("sentence1", "query").renameColumn("sentence2", "positive").selectColumns("query", "positive");
            TrainingArguments infoNceArgs = TrainingArguments.builder(dir.resolve("infonce")).batchSize(16).maxSteps(4)
                    .learningRate(1e-5).saveStrategy("no").disableProgressBar(true).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(infoNceArgs).trainDataset(positives)
                    .collator(new PairCollator(model.tokenizer(), 48, 48))
                    .loss(InfoNCE.builder().labelSmoothing(0.05).build()).build()) {
                TrainerState state = trainer.train();
                assertThat(state.globalStep()).isEqualTo(4);
                assertThat(Double.isFinite(state.lastLoss())).isTrue();
            }
        }
    }

    @Test
    void arcFaceOnBanking77RaisesClassificationAccuracy() throws IOException {
        List<String> labels = List.of("card_arrival", "lost_or_stolen_card", "exchange_rate", "top_up_failed", "pin_blocked",
                "balance_not_updated_after_bank_transfer", "cash_withdrawal_charge", "declined_card_payment");
        Path train = subset("train", labels, 24);
        Path test = subset("test", labels, 20);
        Evaluator accuracy = ClassificationEvaluator.builder(train, test).build();
        Dataset data = Dataset.fromJsonl(train);
        LabelMap labelMap = LabelMap.fromDataset(data, "label");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            double before = accuracy.evaluate(model).metrics().get("centroid_accuracy");
            TrainingArguments args = TrainingArguments.builder(dir.resolve("arcface")).batchSize(32).numTrainEpochs(4)
                    .learningRate(1e-4).lossLearningRateMultiplier(100).layerwiseLrDecay(0.9).warmupRatio(0.1)
                    .batchSampler("group_by_label").saveStrategy("no").disableProgressBar(true).build();
            ArcFaceAdaptiveMarginLoss loss = ArcFaceAdaptiveMarginLoss.builder(labelMap.size(), model.dimension())
                    .scale(30).margin(0.3).build();
            try (RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).args(args).trainDataset(data)
                    .collator(new PointwiseCollator(model.tokenizer(), labelMap, 48)).loss(loss).build()) {
                trainer.train();
            } finally {
                loss.close();
            }
            double after = accuracy.evaluate(model).metrics().get("centroid_accuracy");
            System.out.printf("ArcFace on 8 banking77 intents (24 texts each), nearest-centroid accuracy on 160 test texts:"
                    + " before %.4f, after %.4f%n", before, after);
            assertThat(after).isGreaterThan(before);
        }
    }

    /** The first {@code perLabel} rows of each label, as a JSONL file. */
    private Path subset(String split, List<String> labels, int perLabel) throws IOException {
        Dataset source = Dataset.fromJsonl(TrainingData.dataDir().resolve("banking77/" + split + ".jsonl"));
        List<String> lines = labels.stream().flatMap(label -> source.filter(row -> label.equals(row.get("label"))).take(perLabel)
                .stream().map(row -> new com.google.gson.Gson().toJson(row))).collect(Collectors.toList());
        Path file = dir.resolve("banking77-" + split + ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
