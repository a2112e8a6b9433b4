package dev.retrievals.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class OnnxTensorTest {
    @Test
    void tensorsBecomeDjlArraysAndBack() {
        try (NDManager manager = Engine.getEngine("OnnxRuntime").newBaseManager()) {
            OnnxTensor weight = OnnxTensor.ofFloats("w", new long[] {2, 3}, 1, 2, 3, -4, 5.5f, 6);
            NDArray array = weight.toNDArray(manager);
            assertThat(array.getShape()).isEqualTo(new Shape(2, 3));
            assertThat(array.toFloatArray()).containsExactly(1, 2, 3, -4, 5.5f, 6);
            assertThat(OnnxTensor.fromNDArray("w", array)).isEqualTo(weight);

            assertThat(OnnxTensor.ofLongs("ids", new long[] {2}, 7, -9).toNDArray(manager).toLongArray())
                    .containsExactly(7, -9);

            // bfloat16 0x4049 is the top half of float32 0x40490000 = 3.140625.
            ByteBuffer brain = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x4049).flip();
            NDArray widened = OnnxTensor.of("pi", OnnxDataType.BFLOAT16, new long[] {1}, brain).toNDArray(manager);
            assertThat(widened.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(widened.toFloatArray()).containsExactly(3.140625f);
        }
    }

    @Test
    void wrongSizesAndTypesAreNamed() {
        assertThatThrownBy(() -> OnnxTensor.ofFloats("w", new long[] {2, 2}, 1, 2, 3))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("expected 16");
        assertThatThrownBy(() -> OnnxTensor.ofFloats("w", new long[] {1}, 1).toLongArray())
                .hasMessageContaining("'w'")
                .hasMessageContaining("FLOAT");
        assertThatThrownBy(() -> OnnxDataType.fromCode(99)).hasMessageContaining("99");
    }
}
