package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.Consumer;

/**
 * Embeddings computed for a backward pass that comes later (activation checkpointing): the loss
 * runs on {@link #embedding()}, and once the loss's backward pass has reached it,
 * {@link #backPropagate} carries that gradient on into the encoder's parameters. An encoder that
 * checkpoints keeps only what it needs to recompute its activations there; one that does not keeps
 * its whole graph, and then the loss's backward pass already reached the parameters
 * ({@link #withGraph}).
 */
public final class CheckpointedEmbedding {
    private final NDArray embedding;
    private final Consumer<GradientCollector> backPropagation;
    private boolean done;

    /**
     * @param embedding the embeddings the loss takes, {@code [batch, dimension]}
     * @param backPropagation carries the gradient that reached {@code embedding} into the
     *     encoder's parameters, with the open collector
     */
    public CheckpointedEmbedding(NDArray embedding, Consumer<GradientCollector> backPropagation) {
        this.embedding = embedding;
        this.backPropagation = backPropagation;
    }

    /** Embeddings whose graph reaches the encoder's parameters: nothing is left to back-propagate. */
    public static CheckpointedEmbedding withGraph(NDArray embedding) {
        return new CheckpointedEmbedding(embedding, collector -> {});
    }

    /** The embeddings, {@code [batch, dimension]}, differentiable. */
    public NDArray embedding() {
        return embedding;
    }

    /**
     * After {@code collector} back-propagated the loss, carries the gradient of {@link #embedding()}
     * into the encoder's parameters (their gradients add up). Once only.
     *
     * @throws IllegalStateException when called a second time
     */
    public void backPropagate(GradientCollector collector) {
        if (done) {
            throw new IllegalStateException("These embeddings were back-propagated already");
        }
        done = true;
        backPropagation.accept(collector);
    }
}
