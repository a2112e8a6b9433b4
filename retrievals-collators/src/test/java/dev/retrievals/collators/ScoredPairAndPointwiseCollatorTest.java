package dev.retrievals.collators;

import static dev.retrievals.collators.BundledTokenizers.assertEachRowIsTheTextAlone;
import static dev.retrievals.collators.BundledTokenizers.column;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.DelimitedFormat;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.loss.LossInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoredPairAndPointwiseCollatorTest {
    @TempDir
    Path dir;

    @Test
    void scoredPairsCarryScoresAndTokensOfEachSentenceAlone() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("sts-b-en/train.jsonl", 32);
        try (TextTokenizer tokenizer = BundledTokenizers.load(BundledTokenizers.MINILM, 256);
                TextTokenizer alone = BundledTokenizers.load(BundledTokenizers.MINILM, 24)) {
            CollatedBatch batch = ScoredPairCollator.builder(tokenizer).maxLength(24).padToMultipleOf(8).build().collate(rows);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.QUERY), column(rows, "sentence1", ""), alone, 8);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.POSITIVE), column(rows, "sentence2", ""), alone, 8);
            float[] scores = batch.scores().get(LossInputs.SCORE);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(scores[i]).isEqualTo(((Number) rows.get(i).get("score")).floatValue());
            }
        }
    }

    @Test
    void scoresFromAHeaderlessTsvAreNumbers() throws Exception {
        Path file = dir.resolve("sts.tsv");
        Files.writeString(file, "一个男人在弹吉他。\t一个人在弹吉他。\t4.5\n一只猫\t一辆车\t0\n");
        List<Map<String, Object>> rows = Dataset.fromDelimited(file, DelimitedFormat.tsv().withoutHeader("s1", "s2", "label")).toList();
        try (TextTokenizer tokenizer = BundledTokenizers.load(BundledTokenizers.BGE, 64)) {
            ScoredPairCollator collator = ScoredPairCollator.builder(tokenizer).with(ScoredPairCollator.SENTENCE1_KEY, "s1")
                    .with(ScoredPairCollator.SENTENCE2_KEY, "s2").with(ScoredPairCollator.SCORE_KEY, "label").build();
            assertThat(collator.collate(rows).scores().get(LossInputs.SCORE)).containsExactly(4.5f, 0f);
        }
    }

    @Test
    void pointwiseMapsLabelsToSortedIdsAndTokensEachTextAlone() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("thucnews-zh-10k/train.jsonl", 40);
        List<String> sorted = new ArrayList<>(rows.stream().map(row -> (String) row.get("label")).distinct().sorted().toList());
        LabelMap labels = LabelMap.fromDataset(Dataset.fromRows(rows), "label");
        try (TextTokenizer tokenizer = BundledTokenizers.load(BundledTokenizers.BGE, 128);
                TextTokenizer alone = BundledTokenizers.load(BundledTokenizers.BGE, 16)) {
            PointwiseCollator collator = PointwiseCollator.builder(tokenizer, labels).maxLength(16).build();
            CollatedBatch batch = collator.collate(rows);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.TEXT), column(rows, "text", ""), alone, 1);
            long[] ids = batch.labels().get(LossInputs.LABEL);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(ids[i]).isEqualTo(sorted.indexOf((String) rows.get(i).get("label")));
            }
            assertThat(collator.labelMap()).isSameAs(labels);
        }
    }
}
