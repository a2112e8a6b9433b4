package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.pytorch.ScopedForwardTest.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Activation checkpointing ({@link AutoModelForEmbedding#embedCheckpointed}): the forward pass
 * records no graph, and the backward pass that runs each layer again gives gradients and weights
 * bit for bit those of the ordinary pass over several steps, dropout on, also when one step embeds
 * the same texts twice (as SimCSE does: two different dropout masks, each replayed exactly).
 */
class GradientCheckpointingTest {
    private static final int STEPS = 3;

    /** One embedding of the texts per step, through the mixing loss. */
    private static Run trainOnce(boolean checkpointing) {
        try (AutoModelForEmbedding model = ScopedForwardTest.tinyModel(3, 17)) {
            TokenBatch batch = model.tokenizer().tokenize(ScopedForwardTest.TEXTS);
            return ScopedForwardTest.train(model, (scope, checkpointed) ->
                    ScopedForwardTest.mixingLoss(embed(model, batch, scope, checkpointing, checkpointed)), STEPS);
        }
    }

    /** The texts embedded twice per step (two dropout masks), each row against the other pass's rows. */
    private static Run trainTwice(boolean checkpointing) {
        try (AutoModelForEmbedding model = ScopedForwardTest.tinyModel(3, 29)) {
            TokenBatch batch = model.tokenizer().tokenize(ScopedForwardTest.TEXTS);
            return ScopedForwardTest.train(model, (scope, checkpointed) -> {
                NDArray first = embed(model, batch, scope, checkpointing, checkpointed);
                NDArray second = embed(model, batch, scope, checkpointing, checkpointed);
                assertThat(first.sub(second).abs().max().getFloat()).as("two passes draw different dropout masks").isGreaterThan(1e-4f);
                return first.matMul(second.transpose()).square().sum();
            }, STEPS);
        }
    }

    private static NDArray embed(AutoModelForEmbedding model, TokenBatch batch, NDManager scope, boolean checkpointing,
            List<CheckpointedEmbedding> checkpointed) {
        if (!checkpointing) {
            return model.embed(batch, scope);
        }
        CheckpointedEmbedding embedding = model.embedCheckpointed(batch, scope);
        checkpointed.add(embedding);
        return embedding.embedding();
    }

    @Test
    void gradientsAndWeightsAfterSeveralStepsAreBitIdenticalWithAndWithoutCheckpointing() {
        ScopedForwardTest.assertSameRuns(trainOnce(false), trainOnce(true));
    }

    @Test
    void twoDropoutPassesOfOneStepAreEachReplayedExactly() {
        ScopedForwardTest.assertSameRuns(trainTwice(false), trainTwice(true));
    }

    /**
     * One checkpointed step of the mixing loss on a tiny model in training mode; {@code betweenPasses} runs after the loss's
     * backward pass and before {@code backPropagate}.
     */
    private static void checkpointedStep(AutoModelForEmbedding model, Runnable betweenPasses) {
        TokenBatch batch = model.tokenizer().tokenize(ScopedForwardTest.TEXTS);
        try (NDManager scope = model.newScope(); GradientCollector collector = Engine.getEngine(PyTorchEngine.NAME).newGradientCollector()) {
            CheckpointedEmbedding embedding = model.embedCheckpointed(batch, scope);
            collector.backward(ScopedForwardTest.mixingLoss(embedding.embedding()));
            betweenPasses.run();
            embedding.backPropagate(collector);
        }
    }

    @Test
    void theCheckpointedForwardPassRecordsNoGraphIntoTheWeights() {
        try (AutoModelForEmbedding model = ScopedForwardTest.tinyModel(2, 3)) {
            model.train();
            checkpointedStep(model, () -> assertThat(largestGradient(model)).as("before backPropagate").isZero());
            assertThat(largestGradient(model)).as("after backPropagate").isGreaterThan(1e-3);
        }
    }

    @Test
    void checkpointedStepsLeaveNoArrayWithTheModel() {
        try (AutoModelForEmbedding model = ScopedForwardTest.tinyModel(2, 3)) {
            model.train();
            int before = model.liveArrayCount();
            for (int step = 0; step < 3; step++) {
                checkpointedStep(model, () -> {});
            }
            assertThat(model.liveArrayCount()).isEqualTo(before);
        }
    }

    @Test
    void outsideTrainingItIsTheOrdinaryEmbedding() {
        try (AutoModelForEmbedding model = ScopedForwardTest.tinyModel(2, 3); NDManager scope = model.newScope()) {
            TokenBatch batch = model.tokenizer().tokenize(ScopedForwardTest.TEXTS);
            float[] plain = model.embed(batch, scope).toFloatArray();
            float[] checkpointed = model.embedCheckpointed(batch, scope).embedding().toFloatArray();
            assertThat(checkpointed).containsExactly(plain);
        }
    }

    private static double largestGradient(AutoModelForEmbedding model) {
        double largest = 0;
        for (NDArray weight : model.parameters().values()) {
            try (NDArray gradient = weight.getGradient()) {
                for (float value : gradient.toFloatArray()) {
                    largest = Math.max(largest, Math.abs(value));
                }
            }
        }
        return largest;
    }
}
