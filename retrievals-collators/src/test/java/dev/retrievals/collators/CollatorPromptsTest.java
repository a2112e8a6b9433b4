package dev.retrievals.collators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Training collators and prompts: the model's prompts apply when no prompt option is given, an
 * option wins over them, the old option names still work, and every batch carries its prompt's
 * length in tokens (what a model pooling with {@code include_prompt: false} leaves out).
 */
class CollatorPromptsTest {
    private static final TextTokenizer TOKENIZER = BundledTokenizers.load(BundledTokenizers.MINILM, 64);
    private static final List<Map<String, Object>> ROWS = List.of(
            Map.of("query", "what is a vaccine", "positive", "A vaccine trains the immune system.", "negative", "Cats sleep a lot."),
            Map.of("query", "boiling point of water", "positive", "Water boils at 100 degrees Celsius at sea level.",
                    "negative", "The moon orbits the earth."));
    private static final Prompts MODEL = Prompts.of("query: ", "Represent this passage: ");

    @AfterAll
    static void close() {
        TOKENIZER.close();
    }

    @Test
    void theModelsPromptsApplyWhenNoPromptOptionIsGiven() {
        CollatedBatch batch = PairCollator.builder(TOKENIZER).modelPrompts(MODEL).build().collate(ROWS);
        assertRowsAre(batch.tokens(LossInputs.QUERY), "query", "query: ");
        assertRowsAre(batch.tokens(LossInputs.POSITIVE), "positive", "Represent this passage: ");
        // The triplet, n-tuple and group collators read the same options.
        CollatedBatch triplets = TripletCollator.builder(TOKENIZER).modelPrompts(MODEL).build().collate(ROWS);
        assertRowsAre(triplets.tokens(LossInputs.QUERY), "query", "query: ");
        assertRowsAre(triplets.tokens(LossInputs.NEGATIVE), "negative", "Represent this passage: ");
    }

    @Test
    void aPromptOptionWinsOverTheModelsAndAnEmptyOneMeansNone() {
        CollatedBatch batch = PairCollator.builder(TOKENIZER).modelPrompts(MODEL).queryPrompt("").documentPrompt("doc: ").build()
                .collate(ROWS);
        assertRowsAre(batch.tokens(LossInputs.QUERY), "query", "");
        assertRowsAre(batch.tokens(LossInputs.POSITIVE), "positive", "doc: ");
        CollatedBatch none = new PairCollator(TOKENIZER, 0, 0).collate(ROWS);
        assertRowsAre(none.tokens(LossInputs.QUERY), "query", "");
    }

    @Test
    void theOldOptionNamesStillWorkAndMayNotBeGivenWithTheNewOnes() {
        Map<String, Object> old = new LinkedHashMap<>(Map.of("tokenizer", TOKENIZER, "query_instruction", "q: ", "document_instruction", "d: "));
        Collator collator = PluginRegistry.global().create(PluginKinds.COLLATOR, "pair", old);
        CollatedBatch batch = collator.collate(ROWS);
        assertRowsAre(batch.tokens(LossInputs.QUERY), "query", "q: ");
        assertRowsAre(batch.tokens(LossInputs.POSITIVE), "positive", "d: ");

        Map<String, Object> both = Map.of("tokenizer", TOKENIZER, "query_instruction", "q: ", "query_prompt", "q: ");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.COLLATOR, "pair", both))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("query_prompt").hasMessageContaining("given twice")
                .hasMessageContaining("query_instruction");

        Map<String, Object> single = Map.of("tokenizer", TOKENIZER, "instruction", "s: ");
        CollatedBatch scored = PluginRegistry.global().create(PluginKinds.COLLATOR, "scored_pair", single)
                .collate(List.of(Map.of("sentence1", "a cat", "sentence2", "a dog", "score", 0.5)));
        assertRowsAre(scored.tokens(LossInputs.QUERY), List.of("a cat"), "s: ");
    }

    private static void assertRowsAre(TokenBatch tokens, String column, String prompt) {
        assertRowsAre(tokens, ROWS.stream().map(row -> (String) row.get(column)).toList(), prompt);
    }

    /** Each row holds {@code prompt + text} tokenized alone; the batch's prompt length is the prompt's tokens plus [CLS]. */
    private static void assertRowsAre(TokenBatch tokens, List<String> texts, String prompt) {
        for (int row = 0; row < texts.size(); row++) {
            long[] expected = TOKENIZER.ids(prompt + texts.get(row));
            assertThat(Arrays.copyOf(tokens.inputIds()[row], expected.length)).containsExactly(expected);
        }
        int promptTokens = TOKENIZER.ids(prompt + texts.get(0)).length - TOKENIZER.ids(texts.get(0)).length;
        assertThat(tokens.promptLength()).isEqualTo(prompt.isEmpty() ? 0 : 1 + promptTokens);
    }
}
