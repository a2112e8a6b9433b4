package dev.retrievals.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSetTest {
    private static final OptionSpec<Double> TEMPERATURE =
            OptionSpec.ofDouble("temperature", 0.05, "softmax temperature").greaterThan(0);
    private static final OptionSpec<Integer> CLASSES = OptionSpec.ofInt("num_classes", 2, "number of classes").required().atLeast(2);
    private static final OptionSpec<StringBuilder> SINK = OptionSpec.ofType("sink", StringBuilder.class, "where to write");

    private final OptionSet set = OptionSet.of(TEMPERATURE, CLASSES, SINK);

    @Test
    void fillsDefaultsAndKeepsGivenValues() {
        StringBuilder sink = new StringBuilder();
        Options options = set.parse(Map.of("num_classes", "77", "sink", sink), "loss 'arcface'");

        assertThat(options.get(TEMPERATURE)).isEqualTo(0.05);
        assertThat(options.get(CLASSES)).isEqualTo(77);
        assertThat(options.get(SINK)).isSameAs(sink);
        assertThat(options.asMap()).containsOnlyKeys("num_classes", "sink", "temperature");
    }

    @Test
    void aMissingRequiredOptionIsNamedWithItsDescription() {
        assertThatThrownBy(() -> set.parse(Map.of(), "loss 'arcface'"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Missing required option num_classes of loss 'arcface' (number of classes)");
    }

    @Test
    void anObjectOptionRejectsTextAndOtherTypes() {
        assertThatThrownBy(() -> set.parse(Map.of("num_classes", 3, "sink", "stdout"), "loss 'x'"))
                .hasMessage("Option 'sink' of loss 'x' is 'stdout'; allowed: a java.lang.StringBuilder");
    }

    @Test
    void boundsAreCheckedAtTheEdges() {
        assertThatThrownBy(() -> set.parse(Map.of("num_classes", 3, "temperature", 0.0), "loss 'x'"))
                .hasMessage("Option 'temperature' of loss 'x' is 0.0; allowed: a number in (0, +inf)");
        assertThat(set.parse(Map.of("num_classes", 2, "temperature", Double.MIN_VALUE), "loss 'x'").get(TEMPERATURE))
                .isEqualTo(Double.MIN_VALUE);
        assertThatThrownBy(() -> set.parse(Map.of("num_classes", 1), "loss 'x'"))
                .hasMessage("Option 'num_classes' of loss 'x' is 1; allowed: an integer in [2, +inf)");
    }

    @Test
    void aDefaultOutsideItsOwnRangeIsAProgrammingError() {
        assertThatThrownBy(() -> OptionSpec.ofDouble("margin", -1, "margin").atLeast(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside [0, +inf)");
    }

    @Test
    void declaringAnOptionTwiceIsAProgrammingError() {
        assertThatThrownBy(() -> OptionSet.of(TEMPERATURE, TEMPERATURE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'temperature' is declared twice");
    }

    @Test
    void aFormerNameSetsItsOptionAndIsWarnedAboutOncePerName() {
        OptionSpec<String> prompt = OptionSpec.ofString("query_prompt", "", "text before queries").formerly("query_instruction", "query_prefix");
        OptionSet set = OptionSet.of(prompt);
        String owner = "collator 'former_names_test'";
        int before = DeprecationWarnings.issued().size();

        assertThat(set.parse(Map.of("query_instruction", "q: "), owner).get(prompt)).isEqualTo("q: ");
        assertThat(set.parse(Map.of("QUERY_INSTRUCTION", "again: "), owner).get(prompt)).isEqualTo("again: ");
        assertThat(set.parse(Map.of("query_prefix", "p: "), owner).get(prompt)).isEqualTo("p: ");
        assertThat(set.parse(Map.of("query_prompt", "new: "), owner).get(prompt)).isEqualTo("new: ");

        assertThat(DeprecationWarnings.issued().subList(before, DeprecationWarnings.issued().size())).containsExactly(
                "Option 'query_instruction' of collator 'former_names_test' is deprecated; use 'query_prompt'",
                "Option 'query_prefix' of collator 'former_names_test' is deprecated; use 'query_prompt'");
        assertThatThrownBy(() -> set.parse(Map.of("query_prompt", "a", "query_prefix", "b"), owner))
                .hasMessageContaining("Option 'query_prompt' of collator 'former_names_test' is given twice");
    }
}
