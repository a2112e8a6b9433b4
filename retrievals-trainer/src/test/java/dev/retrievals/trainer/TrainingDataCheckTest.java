package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.collators.PairCollator;
import dev.retrievals.collators.ScoredPairCollator;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.losses.CoSENT;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every training row is checked against the collator's column types before the first step: a bad
 * row deep in the file is reported with its file and line, not as a row of some batch hours later,
 * and a dataset set to skip bad rows trains on the rest.
 */
class TrainingDataCheckTest {
    @TempDir
    static Path dir;

    static AutoModelForEmbedding model;

    @BeforeAll
    static void loadModel() throws Exception {
        model = AutoModelForEmbedding.fromPretrained(TinyModelFolder.write(dir.resolve("tiny"), 8).toString(), "mean");
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static Path pairsWithABadRow(String badRow) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            lines.append(i == 17 ? badRow : "{\"query\": \"question " + i + "\", \"positive\": \"answer " + i + "\", \"score\": 0.5}")
                    .append('\n');
        }
        return Files.writeString(dir.resolve("pairs-" + System.nanoTime() + ".jsonl"), lines, StandardCharsets.UTF_8);
    }

    private static RetrievalTrainer.Builder trainer(Path output, Dataset data) {
        return RetrievalTrainer.builder().model(model).trainDataset(data).collator(new PairCollator(model.tokenizer(), 16, 16))
                .loss(InfoNCE.builder().build())
                .args(TrainingArguments.builder(output).batchSize(4).maxSteps(2).disableProgressBar(true).saveStrategy("no").build());
    }

    @Test
    void anEmptyTextOnLine17IsReportedWithItsFileAndLineBeforeTraining() throws Exception {
        Path data = pairsWithABadRow("{\"query\": \"  \", \"positive\": \"answer\"}");
        Path output = dir.resolve("empty-text");
        assertThatThrownBy(() -> trainer(output, Dataset.fromJsonl(data)).build())
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(data + " line 17: column 'query'");
        assertThat(output).doesNotExist();
    }

    @Test
    void aMissingColumnOrAWrongScoreTypeIsReportedTheSameWay() throws Exception {
        Path missing = pairsWithABadRow("{\"query\": \"q\"}");
        assertThatThrownBy(() -> trainer(dir.resolve("missing"), Dataset.fromJsonl(missing)).build())
                .hasMessageStartingWith(missing + " line 17: column 'positive'");
        Path wrongScore = pairsWithABadRow("{\"query\": \"q\", \"positive\": \"p\", \"score\": \"high\"}");
        assertThatThrownBy(() -> RetrievalTrainer.builder().model(model).trainDataset(Dataset.fromJsonl(wrongScore))
                .collator(ScoredPairCollator.builder(model.tokenizer()).with(ScoredPairCollator.SENTENCE1_KEY, "query")
                        .with(ScoredPairCollator.SENTENCE2_KEY, "positive").build())
                .loss(CoSENT.create()).args(TrainingArguments.builder(dir.resolve("score")).build()).build())
                .hasMessageStartingWith(wrongScore + " line 17: column 'score' should be a number");
    }

    @Test
    void skippingBadRowsTrainsOnTheOthers() throws Exception {
        Path data = pairsWithABadRow("{\"query\": \"\", \"positive\": \"answer\"}");
        // one row a step for one epoch: the step count is the number of rows trained on
        TrainingArguments oneRowAStep = TrainingArguments.builder(dir.resolve("skipped")).batchSize(1).numTrainEpochs(1)
                .disableProgressBar(true).saveStrategy("no").build();
        try (RetrievalTrainer trainer = trainer(dir.resolve("skipped"), Dataset.fromJsonl(data).skipBadRows()).args(oneRowAStep).build()) {
            TrainerState state = trainer.train();
            assertThat(state.globalStep()).as("the 19 good rows of 20, one step each").isEqualTo(19);
        }
    }
}
