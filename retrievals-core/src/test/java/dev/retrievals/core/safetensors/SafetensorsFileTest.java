package dev.retrievals.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A file written byte by byte: 8-byte little-endian header length, the header, the data. */
    private Path handWritten(String name, String header, byte[] data) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = littleEndian(8 + json.length + data.length);
        file.putLong(json.length).put(json).put(data);
        return Files.write(dir.resolve(name), file.array());
    }

    private static SafetensorsFile sample() {
        ByteBuffer doubles = littleEndian(16).putDouble(0.25).putDouble(-1e300).flip();
        ByteBuffer halves = littleEndian(4).putShort((short) 0x3C00).putShort((short) 0xC100).flip();
        ByteBuffer brains = littleEndian(4).putShort((short) 0x3FC0).putShort((short) 0xC0A0).flip();
        ByteBuffer ints = littleEndian(12).putInt(7).putInt(-8).putInt(Integer.MAX_VALUE).flip();
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {-1, 0, 1});
        return new SafetensorsFile(List.of(
                SafetensorsTensor.ofFloats("encoder.layer.0.output.dense.weight", new long[] {2, 3},
                        1f, -2f, 3.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f),
                SafetensorsTensor.ofLongs("Embeddings.position_ids", new long[] {1, 4}, 0, 1, Long.MAX_VALUE, -5),
                SafetensorsTensor.of("a.doubles", SafetensorsDType.F64, new long[] {2}, doubles),
                SafetensorsTensor.of("b.halves", SafetensorsDType.F16, new long[] {2}, halves),
                SafetensorsTensor.of("c.brains", SafetensorsDType.BF16, new long[] {2, 1}, brains),
                SafetensorsTensor.of("d.ints", SafetensorsDType.I32, new long[] {3}, ints),
                SafetensorsTensor.of("e.bytes", SafetensorsDType.I8, new long[] {3}, bytes),
                SafetensorsTensor.ofFloats("f.scalar", new long[] {}, 42f),
                SafetensorsTensor.ofFloats("g.empty", new long[] {0, 5})),
                Map.of("format", "pt", "source", "test"));
    }

    @Test
    void writeThenReadGivesIdenticalTensors() throws Exception {
        SafetensorsFile original = sample();
        Path file = dir.resolve("model.safetensors");
        original.write(file);
        try (Stream<Path> written = Files.list(dir)) {
            assertThat(written).as("no temporary file is left").containsExactly(file);
        }

        SafetensorsFile back = SafetensorsFile.read(file);

        assertThat(back).isEqualTo(original);
        assertThat(back.metadata()).containsEntry("format", "pt").containsEntry("source", "test");
        assertThat(back.tensor("encoder.layer.0.output.dense.weight").orElseThrow().toFloatArray())
                .containsExactly(1f, -2f, 3.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f);
        assertThat(back.tensor("Embeddings.position_ids").orElseThrow().toLongArray())
                .containsExactly(0, 1, Long.MAX_VALUE, -5);
        // half 0x3C00 = 1, 0xC100 = -2.5; bfloat16 0x3FC0 = 1.5, 0xC0A0 = -5.
        assertThat(back.tensor("b.halves").orElseThrow().toFloatArray()).containsExactly(1f, -2.5f);
        assertThat(back.tensor("c.brains").orElseThrow().toFloatArray()).containsExactly(1.5f, -5f);
        assertThat(back.tensor("c.brains").orElseThrow().shape()).containsExactly(2, 1);
        assertThat(back.tensor("g.empty").orElseThrow().elementCount()).isZero();
    }

    @Test
    void theHeaderFollowsTheHuggingFaceLayout() throws Exception {
        SafetensorsFile original = sample();
        Path file = dir.resolve("model.safetensors");
        original.write(file);
        byte[] bytes = Files.readAllBytes(file);

        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertThat(header.substring(json.length())).matches(" {0,7}");
        assertThat(json).startsWith("{\"__metadata__\":{");

        JsonObject parsed = JsonParser.parseString(json).getAsJsonObject();
        assertThat(parsed.getAsJsonObject("__metadata__").get("format").getAsString()).isEqualTo("pt");
        List<String> keys = new ArrayList<>(parsed.keySet());
        assertThat(keys.get(0)).isEqualTo("__metadata__");
        List<String> names = keys.subList(1, keys.size());
        assertThat(names).isSorted().containsExactlyInAnyOrderElementsOf(original.names());

        long expectedBegin = 0;
        for (String name : names) {
            JsonObject entry = parsed.getAsJsonObject(name);
            assertThat(new ArrayList<>(entry.keySet())).containsExactly("dtype", "shape", "data_offsets");
            SafetensorsTensor tensor = original.tensor(name).orElseThrow();
            assertThat(entry.get("dtype").getAsString()).isEqualTo(tensor.dtype().name());
            long[] shape = new long[entry.getAsJsonArray("shape").size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = entry.getAsJsonArray("shape").get(i).getAsLong();
                elements *= shape[i];
            }
            assertThat(shape).isEqualTo(tensor.shape());
            long begin = entry.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = entry.getAsJsonArray("data_offsets").get(1).getAsLong();
            assertThat(begin).as(name).isEqualTo(expectedBegin);
            assertThat(end - begin).as(name).isEqualTo(elements * tensor.dtype().byteSize());
            byte[] stored = Arrays.copyOfRange(bytes, (int) (8 + headerLength + begin), (int) (8 + headerLength + end));
            assertThat(ByteBuffer.wrap(stored)).as(name).isEqualTo(tensor.data());
            expectedBegin = end;
        }
        assertThat(bytes.length).isEqualTo(8 + headerLength + expectedBegin);
    }

    @Test
    void aFileWrittenByHandIsRead() throws Exception {
        ByteBuffer data = littleEndian(24).putLong(-3).putFloat(0.5f).putFloat(-8f).putShort((short) 0x4000)
                .putShort((short) 0x3F80).put(new byte[4]);
        String header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"ids\":{\"shape\":[1,1],\"dtype\":\"I64\",\"data_offsets\":[0,8]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"hand\"}}   ";
        Path file = handWritten("hand.safetensors", header, Arrays.copyOf(data.array(), 20));

        SafetensorsFile read = SafetensorsFile.read(file);

        assertThat(read.names()).containsExactly("weight", "ids", "bf");
        assertThat(read.metadata()).containsEntry("note", "hand");
        assertThat(read.tensor("weight").orElseThrow().toFloatArray()).containsExactly(0.5f, -8f);
        assertThat(read.tensor("ids").orElseThrow().toLongArray()).containsExactly(-3);
        assertThat(read.tensor("ids").orElseThrow().shape()).containsExactly(1, 1);
        assertThat(read.tensor("bf").orElseThrow().toFloatArray()).containsExactly(2f, 1f);
    }

    @Test
    void rewritingAFileThatIsStillMappedKeepsItsTensorsIntact() {
        Path file = dir.resolve("model.safetensors");
        sample().write(file);
        SafetensorsFile mapped = SafetensorsFile.read(file);
        new SafetensorsFile(List.of(SafetensorsTensor.ofFloats("other", new long[] {1}, 9f)), Map.of()).write(file);

        assertThat(mapped).isEqualTo(sample());
        assertThat(SafetensorsFile.read(file).names()).containsExactly("other");
    }

    private void assertRefused(String fileName, String header, byte[] data, String... fragments) throws Exception {
        Path file = handWritten(fileName, header, data);
        assertThatThrownBy(() -> SafetensorsFile.read(file))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> {
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).contains(fragment);
                    }
                });
    }

    @Test
    void badHeaderEntriesAreRefusedNamingTheFileAndTheTensor() throws Exception {
        assertRefused("range.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                new byte[8], "'w'", "out of range");
        assertRefused("reversed.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}",
                new byte[8], "'w'", "out of range");
        assertRefused("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12], "'b'", "'a'",
                "overlap");
        assertRefused("size.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
                new byte[24], "'w'", "need 24 bytes", "hold 20");
        assertRefused("dtype.safetensors", "{\"w\":{\"dtype\":\"F8_E9\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                new byte[1], "'w'", "unknown dtype \"F8_E9\"");
        assertRefused("shape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                new byte[4], "'w'", "\"shape\"");
        assertRefused("negative.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                new byte[4], "'w'", "non-negative");
        assertRefused("missing.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}",
                new byte[4], "'w'", "\"shape\" is missing");
        assertRefused("json.safetensors", "{\"w\": [", new byte[0], "not valid JSON");
        assertRefused("meta.safetensors", "{\"__metadata__\":{\"format\":1}}", new byte[0], "__metadata__");
    }

    @Test
    void truncatedFilesAndOtherFormatsAreRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        sample().write(file);
        byte[] whole = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(whole, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Cut in the length field, in the header, and in the data.
        for (int length : new int[] {0, 5, 8, 8 + (int) headerLength / 2, whole.length - 1}) {
            Path cut = Files.write(dir.resolve("cut" + length + ".safetensors"), Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> SafetensorsFile.read(cut))
                    .as("first %d of %d bytes", length, whole.length)
                    .isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining(cut.toString());
        }
        Path inHeader = dir.resolve("cut" + (8 + (int) headerLength / 2) + ".safetensors");
        assertThatThrownBy(() -> SafetensorsFile.read(inHeader)).hasMessageContaining("header length");
        Path cut = dir.resolve("cut" + (whole.length - 1) + ".safetensors");
        assertThatThrownBy(() -> SafetensorsFile.read(cut)).hasMessageContaining("tensor '")
                .hasMessageContaining("out of range");

        Path json = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384, \"num_layers\": 6}");
        assertThatThrownBy(() -> SafetensorsFile.read(json))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("header length");
    }

    @Test
    void duplicateAndReservedNamesAreRefused() {
        SafetensorsTensor one = SafetensorsTensor.ofFloats("w", new long[] {1}, 1f);
        assertThatThrownBy(() -> new SafetensorsFile(List.of(one, one), Map.of()))
                .hasMessageContaining("'w'");
        assertThatThrownBy(() -> SafetensorsTensor.ofFloats("__metadata__", new long[] {1}, 1f))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> SafetensorsTensor.ofFloats("w", new long[] {3}, 1f, 2f))
                .hasMessageContaining("'w'").hasMessageContaining("needs 12");
    }
}
