package dev.retrievals.core.ndarray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients through scalar arithmetic stay right when the garbage collector runs between the
 * forward and the backward pass and small direct buffers reuse freed memory (the situation in which
 * DJL's own {@code mul(Number)} gives garbage gradients).
 */
class ScalarsTest {
    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
        Engine engine = Engine.getEngine("PyTorch");
        for (int trial = 0; trial < 50; trial++) {
            try (NDManager manager = engine.newBaseManager()) {
                NDArray x = manager.create(new float[] {1f, 2f, 3f});
                x.setRequiresGradient(true);
                try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    NDArray in = scope.zeros(new Shape(3)).add(x);
                    // d/dx sum(max(x, 1.5) * 2.5 / 0.5) = 5 where x > 1.5, else 0
                    NDArray y = Scalars.div(Scalars.mul(Scalars.maximum(in, 1.5), 2.5), 0.5).sum();
                    List<ByteBuffer> reuse = new ArrayList<>();
                    System.gc();
                    Thread.sleep(1);
                    for (int i = 0; i < 2000; i++) {
                        reuse.add(ByteBuffer.allocateDirect(8).putDouble(0, Double.NaN));
                    }
                    collector.backward(y);
                }
                float[] gradient = x.getGradient().toFloatArray();
                assertThat(gradient).as("trial %d", trial).containsExactly(new float[] {0f, 5f, 5f}, within(1e-6f));
            }
        }
    }
}
