package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.collator.TokenBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollatedBatchTest {
    private static TokenBatch oneText() {
        return new TokenBatch(new long[][] {{101, 102}}, new long[][] {{1, 1}}, new long[][] {{0, 0}});
    }

    @Test
    void textRolesAreInTheFixedOrderWhateverOrderTheyCameIn() {
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        for (String role : new String[] {"zeta_view", "negative", "alpha_view", "positive", "query"}) {
            texts.put(role, oneText());
        }
        CollatedBatch batch = new CollatedBatch(1, texts, Map.of(), Map.of());
        assertThat(batch.texts().keySet()).containsExactly("query", "positive", "negative", "alpha_view", "zeta_view");
    }

    @Test
    void aLabelOrScoreCountThatIsNotTheRowCountIsRefused() {
        assertThatThrownBy(() -> new CollatedBatch(2, Map.of("text", oneText()), Map.of("label", new long[] {1}), Map.of()))
                .hasMessage("Batch part 'label' has 1 values for 2 rows");
    }
}
