package dev.retrievals.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors tensors become DJL arrays (here on the ONNX Runtime engine's manager) and back. */
class SafetensorsNDArrayTest {
    private static NDManager manager() {
        return Engine.getEngine("OnnxRuntime").newBaseManager();
    }

    private static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void eachSupportedDtypeBecomesAnArrayWithTheSameValues(@TempDir Path dir) {
        ByteBuffer doubles = littleEndian(16).putDouble(0.1).putDouble(-3).flip();
        ByteBuffer ints = littleEndian(8).putInt(-7).putInt(1 << 30).flip();
        ByteBuffer halves = littleEndian(4).putShort((short) 0x3555).putShort((short) 0x8001).flip();
        ByteBuffer brains = littleEndian(6).putShort((short) 0x3FC0).putShort((short) 0xC0A0)
                .putShort((short) 0x7F80).flip();
        Path file = dir.resolve("all.safetensors");
        new SafetensorsFile(List.of(
                SafetensorsTensor.ofFloats("f32", new long[] {2, 2}, 1f, -2f, 0.5f, 1e-30f),
                SafetensorsTensor.ofLongs("i64", new long[] {3}, Long.MIN_VALUE, 0, 12345678901L),
                SafetensorsTensor.of("f64", SafetensorsDType.F64, new long[] {2}, doubles),
                SafetensorsTensor.of("i32", SafetensorsDType.I32, new long[] {2, 1}, ints),
                SafetensorsTensor.of("f16", SafetensorsDType.F16, new long[] {2}, halves),
                SafetensorsTensor.of("bf16", SafetensorsDType.BF16, new long[] {3}, brains)), Map.of()).write(file);

        try (NDManager manager = manager()) {
            Map<String, NDArray> arrays = SafetensorsFile.read(file).toNDArrays(manager);

            assertThat(arrays.get("f32").getShape()).isEqualTo(new Shape(2, 2));
            assertThat(arrays.get("f32").toFloatArray()).containsExactly(1f, -2f, 0.5f, 1e-30f);
            assertThat(arrays.get("i64").toLongArray()).containsExactly(Long.MIN_VALUE, 0, 12345678901L);
            assertThat(arrays.get("f64").toDoubleArray()).containsExactly(0.1, -3);
            assertThat(arrays.get("i32").getShape()).isEqualTo(new Shape(2, 1));
            assertThat(arrays.get("i32").toIntArray()).containsExactly(-7, 1 << 30);
            assertThat(arrays.get("f16").getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(arrays.get("f16").toByteBuffer().order(ByteOrder.LITTLE_ENDIAN))
                    .isEqualTo(halves.duplicate().order(ByteOrder.LITTLE_ENDIAN));
            // bfloat16 is the top half of a float32: 0x3FC0 -> 1.5, 0xC0A0 -> -5, 0x7F80 -> +infinity.
            assertThat(arrays.get("bf16").getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(arrays.get("bf16").toFloatArray()).containsExactly(1.5f, -5f, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void arraysWrittenAndReadBackAreEqual(@TempDir Path dir) {
        Path file = dir.resolve("arrays.safetensors");
        try (NDManager manager = manager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("pooler.dense.weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2)));
            arrays.put("embeddings.position_ids", manager.create(new long[] {0, 1, 2}, new Shape(1, 3)));
            SafetensorsFile.fromNDArrays(arrays).write(file);

            SafetensorsFile read = SafetensorsFile.read(file);
            assertThat(read.metadata()).containsEntry("format", "pt");
            Map<String, NDArray> back = read.toNDArrays(manager);
            assertThat(back.get("pooler.dense.weight").getShape()).isEqualTo(new Shape(3, 2));
            assertThat(back.get("pooler.dense.weight").toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(back.get("embeddings.position_ids").toLongArray()).containsExactly(0, 1, 2);
        }
    }

    @Test
    void dtypesWithoutADjlArrayAreRefusedNamingTheTensor() {
        SafetensorsTensor unsigned = SafetensorsTensor.of("counts", SafetensorsDType.U32, new long[] {1},
                littleEndian(4).putInt(3).flip());
        try (NDManager manager = manager()) {
            assertThatThrownBy(() -> unsigned.toNDArray(manager))
                    .isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("'counts'")
                    .hasMessageContaining("U32");
        }
    }
}
