package dev.retrievals.pytorch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The segments of one checkpointed forward pass (activation checkpointing, Chen et al. 2016): for
 * the embeddings and each layer, its input and dropout seed instead of its intermediates. The
 * forward pass runs on detached weights, so it records no graph at all. The backward pass runs the
 * segments again, last first, each with its graph, and back-propagates the gradient that reached a
 * segment's output to its input and into the weights: the memory of one segment's graph at a time,
 * for one more forward pass. Gradients are those of the ordinary pass: the same operations run on
 * the same values with the same dropout masks (each segment reseeds the engine's generator, see
 * {@link DjlEncoderOps}).
 */
final class LayerCheckpoints {
    private record Segment(int seed, NDArray input, UnaryOperator<NDArray> step) {}

    private final List<Segment> segments = new ArrayList<>();
    private final DjlEncoderOps ops;
    private final Map<String, NDArray> weights;
    private final NDManager scope;

    /**
     * Starts recording {@code ops}'s segments; until {@link #backPropagate} it runs on detached views
     * of {@code weights}, made in {@code scope}.
     */
    LayerCheckpoints(DjlEncoderOps ops, Map<String, NDArray> weights, NDManager scope) {
        this.ops = ops;
        this.weights = weights;
        this.scope = scope;
        Map<String, NDArray> detached = new LinkedHashMap<>();
        weights.forEach((name, weight) -> {
            NDArray view = weight.stopGradient();
            view.attach(scope);
            detached.put(name, view);
        });
        ops.useParameters(detached);
        ops.recordSegments(this);
    }

    /** Called by the ops for every segment it runs: its seed, its input ({@code null} for the first) and its operations. */
    void add(int seed, NDArray input, UnaryOperator<NDArray> step) {
        segments.add(new Segment(seed, input, step));
    }

    /**
     * Back-propagates {@code outputGradient}, the gradient that reached the last segment's output,
     * through every segment into the weights' gradients (which add up), running each segment again
     * with its graph. Each segment's kept input is released once its segment is done.
     */
    void backPropagate(NDArray outputGradient, GradientCollector collector) {
        ops.recordSegments(null);
        ops.useParameters(weights);
        Engine engine = scope.getEngine();
        NDArray gradient = outputGradient;
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment segment = segments.get(i);
            NDArray inputGradient = null;
            try (NDScope replay = new NDScope()) {
                engine.setRandomSeed(segment.seed());
                NDArray leaf = null;
                if (segment.input() != null) {
                    leaf = segment.input().stopGradient();
                    leaf.setRequiresGradient(true);
                }
                NDArray output = segment.step().apply(leaf);
                collector.backward(output.mul(gradient).sum());
                if (leaf != null) {
                    inputGradient = leaf.getGradient();
                    NDScope.unregister(inputGradient);
                    inputGradient.attach(scope);
                }
            }
            if (segment.input() != null) {
                segment.input().close();
            }
            if (gradient != outputGradient) {
                gradient.close();
            }
            gradient = inputGradient;
        }
        segments.clear();
    }
}
