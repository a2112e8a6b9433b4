package dev.retrievals.collators;

import static dev.retrievals.collators.BundledTokenizers.assertEachRowIsTheTextAlone;
import static dev.retrievals.collators.BundledTokenizers.column;
import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairAndTripletCollatorTest {
    private static final String INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

    @Test
    void pairRowsEqualEachTextTokenizedAloneForBothTokenizers() {
        for (String resource : List.of(BundledTokenizers.BGE, BundledTokenizers.MINILM)) {
            String file = resource.equals(BundledTokenizers.BGE) ? "triplets-stsb-zh-hardneg/train.jsonl" : "triplets-sick-en/train.jsonl";
            List<Map<String, Object>> rows = BundledTokenizers.rows(file, 48);
            try (TextTokenizer tokenizer = BundledTokenizers.load(resource, 512);
                    TextTokenizer queriesAlone = BundledTokenizers.load(resource, 12);
                    TextTokenizer documentsAlone = BundledTokenizers.load(resource, 20)) {
                PairCollator plain = new PairCollator(tokenizer, 12, 20);
                PairCollator padded8 = PairCollator.builder(tokenizer).queryMaxLength(12).documentMaxLength(20)
                        .queryPrompt(INSTRUCTION).documentPrompt("doc: ").padToMultipleOf(8).build();
                for (int start = 0; start < rows.size(); start += 16) {
                    List<Map<String, Object>> batch = rows.subList(start, start + 16);
                    CollatedBatch collated = plain.collate(batch);
                    assertThat(collated.texts().keySet()).containsExactly(LossInputs.QUERY, LossInputs.POSITIVE);
                    assertEachRowIsTheTextAlone(collated.tokens(LossInputs.QUERY), column(batch, "query", ""), queriesAlone, 1);
                    assertEachRowIsTheTextAlone(collated.tokens(LossInputs.POSITIVE), column(batch, "positive", ""), documentsAlone, 1);

                    CollatedBatch instructed = padded8.collate(batch);
                    assertEachRowIsTheTextAlone(instructed.tokens(LossInputs.QUERY), column(batch, "query", INSTRUCTION),
                            queriesAlone, 8);
                    assertEachRowIsTheTextAlone(instructed.tokens(LossInputs.POSITIVE), column(batch, "positive", "doc: "),
                            documentsAlone, 8);
                }
            }
        }
    }

    @Test
    void untruncatedTextsKeepTheirFullLength() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("triplets-stsb-zh-hardneg/train.jsonl", 16);
        try (TextTokenizer tokenizer = BundledTokenizers.load(BundledTokenizers.BGE, 128)) {
            CollatedBatch batch = new TripletCollator(tokenizer, 128, 128).collate(rows);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.QUERY), column(rows, "query", ""), tokenizer, 1);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.NEGATIVE), column(rows, "negative", ""), tokenizer, 1);
        }
    }

    @Test
    void tripletAddsNegativesTruncatedLikeDocumentsAndHonoursCustomKeys() {
        List<Map<String, Object>> rows = BundledTokenizers.rows("triplets-ocnli-zh/train.jsonl", 24).stream()
                .map(row -> Map.<String, Object>of("anchor", row.get("query"), "pos", row.get("positive"), "neg", row.get("negative")))
                .toList();
        try (TextTokenizer tokenizer = BundledTokenizers.load(BundledTokenizers.BGE, 256);
                TextTokenizer queriesAlone = BundledTokenizers.load(BundledTokenizers.BGE, 10);
                TextTokenizer documentsAlone = BundledTokenizers.load(BundledTokenizers.BGE, 14)) {
            TripletCollator collator = TripletCollator.builder(tokenizer).queryMaxLength(10).documentMaxLength(14)
                    .with(CollatorOptions.QUERY_KEY, "anchor").with(CollatorOptions.POSITIVE_KEY, "pos")
                    .with(CollatorOptions.NEGATIVE_KEY, "neg").build();
            assertThat(collator.columns()).containsExactly("anchor", "pos", "neg");
            CollatedBatch batch = collator.collate(rows);
            assertThat(batch.texts().keySet()).containsExactly(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.QUERY), column(rows, "anchor", ""), queriesAlone, 1);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.POSITIVE), column(rows, "pos", ""), documentsAlone, 1);
            assertEachRowIsTheTextAlone(batch.tokens(LossInputs.NEGATIVE), column(rows, "neg", ""), documentsAlone, 1);
        }
    }
}
