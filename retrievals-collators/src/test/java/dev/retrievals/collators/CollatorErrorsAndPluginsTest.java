package dev.retrievals.collators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.DataProblem;
import dev.retrievals.core.data.LabelMap;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CollatorErrorsAndPluginsTest {
    private static final TextTokenizer TOKENIZER = BundledTokenizers.load(BundledTokenizers.MINILM, 64);

    @AfterAll
    static void close() {
        TOKENIZER.close();
    }

    @Test
    void badRowsNameTheBatchRowTheColumnAndWhatWasExpected() {
        PairCollator pairs = new PairCollator(TOKENIZER, 16, 32);
        List<Map<String, Object>> missing = List.of(Map.of("query", "q", "positive", "p"), Map.of("query", "q", "pos", "p"));
        assertThatThrownBy(() -> pairs.collate(missing)).isInstanceOf(DataException.class)
                .hasMessage("batch row 1: column 'positive' not found; columns present: " + missing.get(1).keySet());
        DataException empty = catchThrowableOfType(DataException.class,
                () -> pairs.collate(List.of(Map.of("query", " ", "positive", "p"))));
        assertThat(empty.problem()).isEqualTo(DataProblem.EMPTY_TEXT);
        assertThat(empty).hasMessage("batch row 0: column 'query' is only white space; expected a text");
        assertThatThrownBy(() -> pairs.collate(List.of(Map.of("query", 7L, "positive", "p"))))
                .hasMessage("batch row 0: column 'query' should be a text, found number 7");
        assertThatThrownBy(() -> new ScoredPairCollator(TOKENIZER, 16)
                .collate(List.of(Map.of("sentence1", "a", "sentence2", "b", "score", "very"))))
                .hasMessage("batch row 0: column 'score' should be a number, found text 'very'");
        assertThatThrownBy(() -> new PointwiseCollator(TOKENIZER, LabelMap.of(List.of("x", "y")), 16)
                .collate(List.of(Map.of("text", "t", "label", "z"))))
                .hasMessage("batch row 0: label 'z' is not in the label map of 2 labels: [x, y]");
        assertThatThrownBy(() -> new GroupCollator(TOKENIZER, 16, 32, 3).collate(List.of(Map.of("query", "q", "pos", "p", "neg", List.of()))))
                .hasMessage("batch row 0: column 'neg' is an empty list; expected a text or a list of texts");
        assertThatThrownBy(() -> pairs.collate(List.of())).hasMessage("collator 'pair' got an empty batch; expected at least one row");
    }

    @Test
    void optionsAreCheckedWithTheirNamesAndRanges() {
        assertThatThrownBy(() -> new PairCollator(TOKENIZER, 16, 128)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'document_max_length' of collator 'pair' with tokenizer /all-minilm-l6-v2-tokenizer.json "
                        + "of max_length 64 is 128; allowed: an integer in [2, 64]");
        assertThatThrownBy(() -> new PairCollator(TOKENIZER, 1, 16)).isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("Option 'query_max_length'").hasMessageContaining("is 1; allowed: an integer in [2, 64]");
        assertThatThrownBy(() -> PairCollator.builder(TOKENIZER).padToMultipleOf(0).build())
                .hasMessage("Option 'pad_to_multiple_of' of collator 'pair' is 0; allowed: an integer in [1, +inf)");
        assertThatThrownBy(() -> PairCollator.builder(TOKENIZER).maxLength(16).build())
                .hasMessageStartingWith("Unknown option 'max_length' for collator 'pair'; known options: tokenizer, query_max_length");
        assertThatThrownBy(() -> new GroupCollator(TOKENIZER, 16, 16, 0))
                .hasMessage("Option 'train_group_size' of collator 'group' is 0; allowed: an integer in [1, +inf)");
    }

    @Test
    void everyCollatorIsAPluginFoundByName() {
        PluginRegistry registry = PluginRegistry.global();
        assertThat(registry.names(PluginKinds.COLLATOR)).contains("pair", "triplet", "group", "scored_pair", "pointwise");
        Map<String, Object> options = Map.of("tokenizer", TOKENIZER, "query_max_length", "16", "pad_to_multiple_of", "8");
        Collator pair = registry.create(PluginKinds.COLLATOR, "pair", options);
        assertThat(pair).isInstanceOf(PairCollator.class);
        assertThat(pair.collate(List.of(Map.of("query", "hello there", "positive", "general kenobi")))
                .tokens(LossInputs.QUERY).sequenceLength()).isEqualTo(8);
        assertThat(registry.create(PluginKinds.COLLATOR, "pointwise", Map.of("tokenizer", TOKENIZER, "label_map",
                LabelMap.of(List.of("a"))))).isInstanceOf(PointwiseCollator.class);
        assertThat(registry.create(PluginKinds.COLLATOR, "triplet", Map.of("tokenizer", TOKENIZER)).columns())
                .containsExactly("query", "positive", "negative");
        assertThat(registry.create(PluginKinds.COLLATOR, "group", Map.of("tokenizer", TOKENIZER)).columns())
                .containsExactly("query", "pos", "neg");
        assertThat(registry.create(PluginKinds.COLLATOR, "scored_pair", Map.of("tokenizer", TOKENIZER)).columns())
                .containsExactly("sentence1", "sentence2", "score");
        assertThatThrownBy(() -> registry.create(PluginKinds.COLLATOR, "pair", Map.of("query_max_length", 16)))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("Missing required option tokenizer");
        assertThatThrownBy(() -> registry.create(PluginKinds.COLLATOR, "pair", Map.of("tokenizer", "/path/tokenizer.json")))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("Option 'tokenizer' of collator 'pair'");
    }
}
