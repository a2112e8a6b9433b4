package dev.retrievals.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.InPlaceCopy;
import org.junit.jupiter.api.Test;

/** Restored values must survive the source array's manager being closed and its memory reused. */
class InPlaceCopyTest {
    @Test
    void copiedValuesOutliveTheSource() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray target = manager.zeros(new Shape(1000), DataType.FLOAT32);
            target.setRequiresGradient(true);
            float[] expected = new float[1000];
            try (NDManager scratch = manager.newSubManager()) {
                NDArray source = scratch.arange(0f, 1000f).toType(DataType.FLOAT64, false);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = i;
                }
                InPlaceCopy.copy(source, target, "test array");
            }
            try (NDManager noise = manager.newSubManager()) {
                for (int i = 0; i < 50; i++) {
                    noise.ones(new Shape(1000), DataType.FLOAT32).muli(-7f); // reuse freed memory
                }
                assertThat(target.toFloatArray()).containsExactly(expected);
            }
            assertThat(target.hasGradient()).isTrue();
            assertThat(manager.getManagedArrays()).containsExactly(target);
            assertThatThrownBy(() -> InPlaceCopy.copy(manager.zeros(new Shape(3)), target, "weights 'w'"))
                    .isInstanceOf(RetrievalsException.class).hasMessageContaining("weights 'w' has shape (3)");
        }
    }
}
