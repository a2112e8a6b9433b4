package dev.retrievals.core.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Texts go to the encoder in batches, in order, and a misbehaving encoder is caught with the text's position. */
class BatchedEncodingTest {

    @Test
    void encodesInOrderInBatchesOfTheGivenSize() {
        List<Integer> batchSizes = new ArrayList<>();
        float[][] vectors = BatchedEncoding.encode(texts -> {
            batchSizes.add(texts.size());
            return texts.stream().map(text -> new float[] {Float.parseFloat(text), 1}).toArray(float[][]::new);
        }, List.of("0", "1", "2", "3", "4"), 2, "test", false);

        assertThat(batchSizes).containsExactly(2, 2, 1);
        for (int i = 0; i < vectors.length; i++) {
            assertThat(vectors[i]).containsExactly(i, 1);
        }
    }

    @Test
    void aWrongCountALengthChangeOrANonFiniteValueIsReported() {
        List<String> texts = List.of("a", "b", "c");
        assertThatThrownBy(() -> BatchedEncoding.encode(batch -> new float[1][2], texts, 2, "corpus", false))
                .hasMessage("The encoder returned 1 vectors for 2 corpus texts");
        assertThatThrownBy(() -> BatchedEncoding.encode(
                batch -> batch.contains("c") ? new float[][] {{1, 2, 3}} : new float[][] {{1, 2}, {3, 4}}, texts, 2, "corpus", false))
                .hasMessage("The encoder returned a vector of length 3 for corpus text 2; expected length 2");
        assertThatThrownBy(() -> BatchedEncoding.encode(
                batch -> new float[][] {{1, Float.NaN}}, List.of("a"), 2, "queries", false))
                .hasMessage("The encoder returned a non-finite value (NaN) for queries text 0");
    }
}
