package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.collators.GroupCollator;
import dev.retrievals.collators.NTupleCollator;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.index.mining.HardNegativeMiner;
import dev.retrievals.index.mining.MiningInput;
import dev.retrievals.index.mining.MiningSummary;
import dev.retrievals.index.mining.OutputFormat;
import dev.retrievals.losses.DistillKLDiv;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.losses.MarginMSE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by the hard-negative miner train as they are: FlagEmbedding rows with InfoNCE
 * (group collator) and with DistillKLDiv (its scores as teacher scores), n-tuples with a teacher's
 * scores with MarginMSE. Tiny models, a few steps.
 */
@Timeout(300)
class TrainFromMinedFilesTest {
    @TempDir
    static Path dir;

    static AutoModelForEmbedding model;
    static AutoModelForEmbedding teacher;
    static Path pairs;

    @BeforeAll
    static void loadModels() throws Exception {
        model = AutoModelForEmbedding.fromPretrained(TinyModelFolder.write(dir.resolve("student"), 31).toString(), "mean");
        teacher = AutoModelForEmbedding.fromPretrained(TinyModelFolder.write(dir.resolve("teacher"), 32).toString(), "mean");
        StringBuilder lines = new StringBuilder();
        String[] topics = {"cells", "proteins", "genes", "vaccines", "neurons", "bacteria", "enzymes", "tumours"};
        for (int i = 0; i < 24; i++) {
            String topic = topics[i % topics.length];
            lines.append("{\"query\": \"what do we know about ").append(topic).append(" number ").append(i)
                    .append("\", \"positive\": \"a study of ").append(topic).append(" found result ").append(i).append("\"}\n");
        }
        pairs = Files.writeString(dir.resolve("pairs.jsonl"), lines, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void closeModels() {
        model.close();
        teacher.close();
    }

    private static long train(Path mined, Collator collator, Loss loss, String name) {
        RetrievalTrainer trainer = RetrievalTrainer.builder().model(model).trainDataset(Dataset.fromJsonl(mined)).collator(collator)
                .loss(loss).args(TrainingArguments.builder(dir.resolve("run-" + name)).batchSize(4).maxSteps(2).disableProgressBar(true)
                        .saveStrategy("no").build()).build();
        try (trainer) {
            TrainerState state = trainer.train();
            assertThat(state.lastLoss()).as(name + " loss").isFinite();
            return state.globalStep();
        }
    }

    @Test
    void flagEmbeddingRowsTrainInfoNceAndDistillKlDivAsTheyAre() {
        Path flag = dir.resolve("mined-flag.jsonl");
        MiningSummary summary = HardNegativeMiner.builder(model, "student").numNegatives(3).format(OutputFormat.FLAG).build()
                .mine(MiningInput.pairs(pairs), flag);
        assertThat(summary.rows()).isEqualTo(24);
        GroupCollator group = GroupCollator.builder(model.tokenizer()).with(GroupCollator.TRAIN_GROUP_SIZE, 3).build();
        assertThat(train(flag, group, InfoNCE.builder().build(), "infonce")).isEqualTo(2);
        GroupCollator scored = GroupCollator.builder(model.tokenizer()).with(GroupCollator.TRAIN_GROUP_SIZE, 4)
                .with(GroupCollator.WITH_SCORES, true).build();
        assertThat(train(flag, scored, DistillKLDiv.create(), "distill")).isEqualTo(2);
    }

    @Test
    void nTuplesWithATeachersScoresTrainMarginMse() {
        Path ntuple = dir.resolve("mined-ntuple.jsonl");
        MiningSummary summary = HardNegativeMiner.builder(model, "student").teacher(teacher).numNegatives(2).rangeMax(6)
                .format(OutputFormat.NTUPLE).build().mine(MiningInput.pairs(pairs), ntuple);
        assertThat(summary.scoredBy()).isEqualTo("teacher");
        assertThat(summary.rows()).isPositive();
        NTupleCollator collator = NTupleCollator.builder(model.tokenizer()).with(NTupleCollator.NUM_NEGATIVES, 2)
                .with(NTupleCollator.WITH_SCORES, true).build();
        assertThat(train(ntuple, collator, MarginMSE.create(), "margin_mse")).isEqualTo(2);
    }
}
