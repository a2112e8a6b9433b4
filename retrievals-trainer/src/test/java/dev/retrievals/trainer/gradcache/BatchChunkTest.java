package dev.retrievals.trainer.gradcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchChunkTest {

    /** A token batch whose row {@code r} holds the single token id {@code base + r}. */
    private static TokenBatch texts(int rows, int base) {
        long[][] ids = new long[rows][1];
        long[][] mask = new long[rows][1];
        for (int row = 0; row < rows; row++) {
            ids[row][0] = base + row;
            mask[row][0] = 1;
        }
        return new TokenBatch(ids, mask, new long[rows][1]);
    }

    private static CollatedBatch batch(int rows, int negativesPerRow) {
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        texts.put(LossInputs.QUERY, texts(rows, 100));
        texts.put(LossInputs.NEGATIVE, texts(rows * negativesPerRow, 200));
        float[] scores = new float[rows];
        for (int row = 0; row < rows; row++) {
            scores[row] = row * 0.5f;
        }
        return new CollatedBatch(rows, texts, Map.of(), Map.of(LossInputs.SCORE, scores));
    }

    @Test
    void chunksCoverTheRowsInOrderWithEachRowsNegativesAndScores() {
        List<BatchChunk> chunks = BatchChunk.split(batch(7, 2), 3, 99);

        assertThat(chunks).extracting(c -> c.rows().size()).containsExactly(3, 3, 1);
        assertThat(chunks).extracting(BatchChunk::firstRow).containsExactly(0, 3, 6);
        BatchChunk second = chunks.get(1);
        assertThat(second.rows().tokens(LossInputs.QUERY).inputIds()).isDeepEqualTo(new long[][] {{103}, {104}, {105}});
        assertThat(second.rows().tokens(LossInputs.NEGATIVE).inputIds())
                .isDeepEqualTo(new long[][] {{206}, {207}, {208}, {209}, {210}, {211}});
        assertThat(second.rows().scores().get(LossInputs.SCORE)).containsExactly(1.5f, 2.0f, 2.5f);
        assertThat(second.firstText(LossInputs.QUERY)).isEqualTo(3);
        assertThat(second.firstText(LossInputs.NEGATIVE)).isEqualTo(6);
    }

    @Test
    void theFirstChunkKeepsTheBatchSeedAndTheOthersGetDistinctReproducibleSeeds() {
        List<BatchChunk> chunks = BatchChunk.split(batch(40, 1), 4, 12345);
        Set<Integer> seeds = new HashSet<>();
        chunks.forEach(chunk -> seeds.add(chunk.seed()));

        assertThat(chunks.get(0).seed()).isEqualTo(12345);
        assertThat(seeds).hasSize(10).allMatch(seed -> seed >= 0);
        assertThat(BatchChunk.split(batch(40, 1), 4, 12345)).extracting(BatchChunk::seed)
                .containsExactlyElementsOf(chunks.stream().map(BatchChunk::seed).toList());
    }

    @Test
    void aBatchThatFitsIsOneChunk() {
        CollatedBatch whole = batch(5, 1);
        List<BatchChunk> chunks = BatchChunk.split(whole, 8, 7);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).rows().tokens(LossInputs.QUERY).inputIds()).isDeepEqualTo(whole.tokens(LossInputs.QUERY).inputIds());
    }

    @Test
    void aRoleThatIsNotAWholeMultipleOfTheRowsIsRejected() {
        Map<String, TokenBatch> texts = Map.of(LossInputs.QUERY, texts(4, 0), LossInputs.NEGATIVE, texts(6, 0));
        CollatedBatch odd = new CollatedBatch(4, texts, Map.of(), Map.of());
        assertThatThrownBy(() -> BatchChunk.split(odd, 2, 1)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("role 'negative' has 6 texts for 4 rows");
    }
}
