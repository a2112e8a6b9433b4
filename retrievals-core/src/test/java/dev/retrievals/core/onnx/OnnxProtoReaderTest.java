package dev.retrievals.core.onnx;

import static dev.retrievals.core.onnx.WireBytes.bytes;
import static dev.retrievals.core.onnx.WireBytes.cat;
import static dev.retrievals.core.onnx.WireBytes.float32;
import static dev.retrievals.core.onnx.WireBytes.number;
import static dev.retrievals.core.onnx.WireBytes.packedDoubles;
import static dev.retrievals.core.onnx.WireBytes.packedFloats;
import static dev.retrievals.core.onnx.WireBytes.packedVarints;
import static dev.retrievals.core.onnx.WireBytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads protobuf bytes written by hand in onnx.proto's schema, and refuses what is not ONNX. */
class OnnxProtoReaderTest {
    // Field numbers copied from onnx.proto, independently of the code under test.
    private static final int MODEL_IR = 1;
    private static final int MODEL_PRODUCER = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET = 8;
    private static final int MODEL_METADATA = 14;

    private static byte[] tensor(String name, int dataType, long[] dims, byte[]... data) {
        byte[][] dimFields = new byte[dims.length][];
        for (int i = 0; i < dims.length; i++) {
            dimFields[i] = number(1, dims[i]);
        }
        return bytes(5, cat(dimFields), number(2, dataType), text(8, name), cat(data));
    }

    private static byte[] model(byte[]... graphFields) {
        return cat(number(MODEL_IR, 7), text(MODEL_PRODUCER, "hand"),
                bytes(MODEL_GRAPH, text(2, "g"), cat(graphFields)),
                bytes(MODEL_OPSET, text(1, ""), number(2, 13)),
                bytes(MODEL_METADATA, text(1, "k"), text(2, "v")));
    }

    private static OnnxModel read(byte[] bytes, String source) {
        return OnnxModel.read(new ByteArrayInputStream(bytes), source);
    }

    @Test
    void typedDataFieldsBecomeLittleEndianElements() {
        byte[] file = model(
                tensor("packed", 1, new long[] {2, 2}, packedFloats(4, 1f, 2f, 3f, 4f)),
                tensor("unpacked", 1, new long[] {2}, float32(4, -1.5f), float32(4, 8f)),
                tensor("longs", 7, new long[] {3}, packedVarints(7, -1, 0, 300)),
                tensor("longsUnpacked", 7, new long[] {2}, number(7, 5), number(7, -7)),
                tensor("half", 10, new long[] {2}, packedVarints(5, 0x3C00, 0xC000)),
                tensor("bytes", 3, new long[] {2}, packedVarints(5, -3, 5)),
                tensor("doubles", 11, new long[] {2}, packedDoubles(10, 0.5, -7.25)),
                tensor("raw", 1, new long[] {}, bytes(9, WireBytes.littleEndian(4).putFloat(1.5f).array())),
                tensor("empty", 1, new long[] {0}));

        OnnxGraph graph = read(file, "hand.onnx").graph();

        assertThat(graph.initializer("packed").orElseThrow().toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(graph.initializer("packed").orElseThrow().dims()).containsExactly(2, 2);
        assertThat(graph.initializer("unpacked").orElseThrow().toFloatArray()).containsExactly(-1.5f, 8f);
        assertThat(graph.initializer("longs").orElseThrow().toLongArray()).containsExactly(-1, 0, 300);
        assertThat(graph.initializer("longsUnpacked").orElseThrow().toLongArray()).containsExactly(5, -7);
        // IEEE half: 1.0 is 0x3C00 and -2.0 is 0xC000, two bytes each, little-endian.
        assertThat(bytesOf(graph.initializer("half").orElseThrow().data()))
                .containsExactly(0x00, 0x3C, 0x00, 0xC0);
        assertThat(bytesOf(graph.initializer("bytes").orElseThrow().data())).containsExactly(0xFD, 0x05);
        assertThat(graph.initializer("doubles").orElseThrow().toDoubleArray()).containsExactly(0.5, -7.25);
        assertThat(graph.initializer("raw").orElseThrow().toFloatArray()).containsExactly(1.5f);
        assertThat(graph.initializer("raw").orElseThrow().dims()).isEmpty();
        assertThat(graph.initializer("empty").orElseThrow().elementCount()).isZero();
    }

    private static int[] bytesOf(ByteBuffer buffer) {
        int[] values = new int[buffer.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.get(buffer.position() + i) & 0xFF;
        }
        return values;
    }

    @Test
    void nodesAttributesAndValueInfosAreRead() {
        byte[] node = bytes(1, text(1, "a"), text(1, "b"), text(2, "c"), text(3, "n1"), text(4, "Gemm"),
                bytes(5, text(1, "alpha"), number(20, 1), float32(2, 0.5f)),
                bytes(5, text(1, "transA"), number(20, 2), number(3, 1)),
                bytes(5, text(1, "mode"), number(20, 3), text(4, "x")),
                bytes(5, text(1, "perm"), number(20, 7), number(8, 1), number(8, -2)),
                bytes(5, text(1, "scales"), number(20, 6), packedFloats(7, 0.5f, 1.5f)),
                bytes(5, text(1, "names"), number(20, 8), text(9, "p"), text(9, "q")),
                bytes(5, text(1, "legacy"), number(3, 4)));
        byte[] input = bytes(11, text(1, "a"), bytes(2, bytes(1, number(1, 1),
                bytes(2, bytes(1, text(2, "n")), bytes(1, number(1, 2)), bytes(1)))));
        byte[] output = bytes(12, text(1, "c"), bytes(2, bytes(1, number(1, 1))));

        OnnxModel model = read(model(node, input, output), "hand.onnx");

        assertThat(model.irVersion()).isEqualTo(7);
        assertThat(model.producerName()).isEqualTo("hand");
        assertThat(model.opsetImports()).containsExactly(OnnxOpsetImport.onnx(13));
        assertThat(model.metadataProps()).containsExactly(Map.entry("k", "v"));
        OnnxNode gemm = model.graph().nodes().get(0);
        assertThat(gemm.name()).isEqualTo("n1");
        assertThat(gemm.opType()).isEqualTo("Gemm");
        assertThat(gemm.inputs()).containsExactly("a", "b");
        assertThat(gemm.outputs()).containsExactly("c");
        assertThat(gemm.attribute("alpha").orElseThrow().floatValue()).isEqualTo(0.5f);
        assertThat(gemm.attribute("transA").orElseThrow().intValue()).isEqualTo(1);
        assertThat(gemm.attribute("mode").orElseThrow().stringValue()).isEqualTo("x");
        assertThat(gemm.attribute("perm").orElseThrow().intsValue()).containsExactly(1, -2);
        assertThat(gemm.attribute("scales").orElseThrow().floatsValue()).containsExactly(0.5f, 1.5f);
        assertThat(gemm.attribute("names").orElseThrow().stringsValue()).containsExactly("p", "q");
        assertThat(gemm.attribute("legacy").orElseThrow().intValue()).isEqualTo(4);
        assertThat(model.graph().inputs()).containsExactly(new OnnxValueInfo("a", OnnxDataType.FLOAT,
                List.of(OnnxDimension.dynamic("n"), OnnxDimension.fixed(2), OnnxDimension.unknown())));
        assertThat(model.graph().outputs().get(0).hasShape()).isFalse();

        assertThat(read(model.toByteArray(), "rewritten")).isEqualTo(model);
    }

    @Test
    void externalDataIsRefusedNamingTheTensorAndTheFile() {
        byte[] file = model(tensor("big.weight", 1, new long[] {2},
                bytes(13, text(1, "location"), text(2, "weights.bin")), number(14, 1)));
        assertThatThrownBy(() -> read(file, "model.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("big.weight")
                .hasMessageContaining("weights.bin");
    }

    @Test
    void dataOfTheWrongSizeIsRefusedNamingTheTensor() {
        byte[] file = model(tensor("short", 1, new long[] {3}, packedFloats(4, 1f, 2f)));
        assertThatThrownBy(() -> read(file, "model.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("'short'")
                .hasMessageContaining("8 bytes of data, expected 12");
    }

    @Test
    void subGraphAttributesAreRefusedNamingTheNode() {
        byte[] file = model(bytes(1, text(1, "cond"), text(2, "out"), text(3, "branch"), text(4, "If"),
                bytes(5, text(1, "then_branch"), number(20, 5), bytes(6, text(2, "sub")))));
        assertThatThrownBy(() -> read(file, "model.onnx"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("'branch'")
                .hasMessageContaining("'then_branch'")
                .hasMessageContaining("sub-graph");
    }

    @Test
    void everyTruncationOfAFileIsRefusedNamingTheFile() {
        byte[] whole = OnnxRuntimeRoundTripTest.tinyModel().withMetadata(Map.of()).toByteArray();
        for (int length = 0; length < whole.length; length++) {
            byte[] prefix = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> read(prefix, "cut.onnx"))
                    .as("first %d of %d bytes", length, whole.length)
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("cut.onnx");
        }
    }

    @Test
    void randomBytesAndJsonAreNotOnnx() {
        for (int seed = 0; seed < 20; seed++) {
            byte[] noise = new byte[4096];
            new Random(seed).nextBytes(noise);
            assertThatThrownBy(() -> read(noise, "noise.bin"))
                    .as("seed %d", seed)
                    .isInstanceOf(OnnxFormatException.class)
                    .hasMessageContaining("noise.bin");
        }
        byte[] json = "{\"architectures\": [\"BertModel\"], \"hidden_size\": 384}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(json, "config.json"))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("ONNX");
    }

    @Test
    void filesAreNamedInErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> OnnxModel.read(missing))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining(missing.toString());
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> OnnxModel.read(empty))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("empty");
    }
}
