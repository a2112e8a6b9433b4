package dev.retrievals.trainer.gradcache;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.losses.CoSENT;
import dev.retrievals.losses.HardNegatives;
import dev.retrievals.losses.InfoNCE;
import dev.retrievals.losses.TripletLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchCouplingTest {
    private static final int ROWS = 6;

    private static CollatedBatch batch(boolean negatives) {
        Map<String, TokenBatch> texts = new LinkedHashMap<>();
        TokenBatch tokens = new TokenBatch(new long[ROWS][1], new long[ROWS][1], new long[ROWS][1]);
        texts.put(LossInputs.QUERY, tokens);
        texts.put(LossInputs.POSITIVE, tokens);
        if (negatives) {
            texts.put(LossInputs.NEGATIVE, tokens);
        }
        return new CollatedBatch(ROWS, texts, Map.of(), Map.of(LossInputs.SCORE, new float[] {0, 1, 2, 3, 4, 5}));
    }

    @Test
    void inBatchLossesCoupleRowsAndOwnNegativeTripletsDoNot() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(BatchCoupling.couplesRows(InfoNCE.builder().build(), batch(false), 16, manager)).as("InfoNCE").isTrue();
            assertThat(BatchCoupling.couplesRows(CoSENT.create(), batch(false), 16, manager)).as("CoSENT").isTrue();
            assertThat(BatchCoupling.couplesRows(TripletLoss.builder().hardNegatives(HardNegatives.SHARED).build(), batch(true), 16,
                    manager)).as("triplet, shared negatives").isTrue();
            assertThat(BatchCoupling.couplesRows(TripletLoss.builder().hardNegatives(HardNegatives.OWN).build(), batch(true), 16,
                    manager)).as("triplet, own negatives").isFalse();
            assertThat(BatchCoupling.couplesRows(InfoNCE.builder().inBatchNegatives(false).hardNegatives(HardNegatives.OWN).build(),
                    batch(true), 16, manager)).as("InfoNCE without in-batch negatives").isFalse();
        }
    }
}
