package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collator follows from the loss and the columns of the files {@code retrievals mine} writes. */
class CollatorChoiceTest {
    private static final List<String> FLAG = List.of("query", "pos", "neg", "pos_scores", "neg_scores");

    private static CollatorChoice choose(String loss, List<String> columns) {
        Loss created = PluginRegistry.global().create(PluginKinds.LOSS, loss);
        return CollatorChoice.choose(loss, created, columns);
    }

    @Test
    void flagEmbeddingRowsTakeTheGroupCollatorWithScoresOnlyForATeacherLoss() {
        assertThat(choose("infonce", FLAG)).isEqualTo(new CollatorChoice("group", Map.of()));
        assertThat(choose("margin_mse", FLAG)).isEqualTo(new CollatorChoice("group", Map.of("with_scores", true)));
        assertThat(choose("distill_kl_div", FLAG)).isEqualTo(new CollatorChoice("group", Map.of("with_scores", true)));
    }

    @Test
    void nTuplesTakeAsManyNegativesAsTheFirstRowHas() {
        List<String> tuple = List.of("query", "positive", "negative_1", "negative_2", "negative_3", "negative_4", "score");
        assertThat(choose("infonce", tuple)).isEqualTo(new CollatorChoice("ntuple", Map.of("num_negatives", 4)));
        assertThat(choose("margin_mse", tuple)).isEqualTo(new CollatorChoice("ntuple", Map.of("num_negatives", 4, "with_scores", true)));
        assertThat(CollatorChoice.tupleNegatives(List.of("query", "negative_1", "negative_3"))).as("numbered without a gap").isEqualTo(1);
    }

    @Test
    void aTeacherLossWithoutScoresIsRefusedNamingWhatWritesThem() {
        assertThatThrownBy(() -> choose("margin_mse", List.of("query", "pos", "neg")))
                .hasMessageContaining("missing [neg_scores, pos_scores]").hasMessageContaining("retrievals mine --format flag");
        assertThatThrownBy(() -> choose("margin_mse", List.of("query", "positive", "negative_1", "negative_2")))
                .hasMessageContaining("missing [score]");
        assertThatThrownBy(() -> choose("margin_mse", List.of("query", "positive", "negative")))
                .hasMessageContaining("triplet rows do not carry");
    }

    @Test
    void pairsAndTripletsStayAsTheyWere() {
        assertThat(choose("infonce", List.of("query", "positive")).name()).isEqualTo("pair");
        assertThat(choose("infonce", List.of("query", "positive", "negative")).name()).isEqualTo("triplet");
        assertThat(choose("cosent", List.of("sentence1", "sentence2", "score")).name()).isEqualTo("scored_pair");
    }
}
