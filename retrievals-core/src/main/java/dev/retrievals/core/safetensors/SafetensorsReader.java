package dev.retrievals.core.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a safetensors file through one read-only memory map: the header is checked entry by
 * entry, then each tensor becomes a slice of the map.
 */
final class SafetensorsReader {
    private final Path file;

    SafetensorsReader(Path file) {
        this.file = file;
    }

    SafetensorsFile read() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw fail("the file has " + size + " bytes, fewer than the 8-byte header length (truncated?)");
            }
            if (size > Integer.MAX_VALUE) {
                throw fail("the file has " + size + " bytes; files over 2 GB (one memory map) are not supported");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = map.getLong(0);
            if (headerLength < 2 || headerLength > size - 8) {
                throw fail("the header length is " + Long.toUnsignedString(headerLength) + " bytes, but the file has "
                        + (size - 8) + " bytes after the length field (truncated, or not a safetensors file)");
            }
            byte[] header = new byte[(int) headerLength];
            map.get(8, header);
            int dataStart = 8 + (int) headerLength;
            int dataSize = (int) size - dataStart;
            return parse(new String(header, StandardCharsets.UTF_8), map, dataStart, dataSize);
        }
    }

    private SafetensorsFile parse(String header, MappedByteBuffer map, int dataStart, int dataSize) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(header);
            if (!parsed.isJsonObject()) {
                throw fail("the header is not a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw fail("the header is not valid JSON (" + e.getMessage() + "); not a safetensors file?");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> member : root.entrySet()) {
            if (member.getKey().equals(SafetensorsFile.METADATA_KEY)) {
                readMetadata(member.getValue(), metadata);
            } else {
                entries.add(readEntry(member.getKey(), member.getValue(), dataSize));
            }
        }
        checkNoOverlap(entries);
        List<SafetensorsTensor> tensors = new ArrayList<>();
        for (Entry entry : entries) {
            int length = (int) (entry.end - entry.begin);
            tensors.add(SafetensorsTensor.of(entry.name, entry.dtype, entry.shape,
                    map.slice(dataStart + (int) entry.begin, length)));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private record Entry(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {}

    private void readMetadata(JsonElement value, Map<String, String> into) {
        if (!value.isJsonObject()) {
            throw fail("__metadata__ is not a JSON object of strings");
        }
        for (Map.Entry<String, JsonElement> member : value.getAsJsonObject().entrySet()) {
            if (!member.getValue().isJsonPrimitive() || !member.getValue().getAsJsonPrimitive().isString()) {
                throw fail("__metadata__ value of '" + member.getKey() + "' is not a string");
            }
            into.put(member.getKey(), member.getValue().getAsString());
        }
    }

    private Entry readEntry(String name, JsonElement value, long dataSize) {
        if (!value.isJsonObject()) {
            throw failTensor(name, "its header entry is not a JSON object");
        }
        JsonObject object = value.getAsJsonObject();
        JsonElement dtypeName = object.get("dtype");
        if (dtypeName == null || !dtypeName.isJsonPrimitive() || !dtypeName.getAsJsonPrimitive().isString()) {
            throw failTensor(name, "\"dtype\" is missing or not a string");
        }
        SafetensorsDType dtype = SafetensorsDType.fromName(dtypeName.getAsString()).orElseThrow(() -> failTensor(name,
                "unknown dtype \"" + dtypeName.getAsString() + "\" (expected one of "
                        + Arrays.toString(SafetensorsDType.values()) + ")"));
        long[] shape = longs(name, object, "shape", -1);
        long[] offsets = longs(name, object, "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataSize) {
            throw failTensor(name, "data_offsets " + Arrays.toString(offsets) + " are out of range of the data "
                    + "section [0, " + dataSize + "] (truncated file?)");
        }
        long expected;
        try {
            expected = SafetensorsTensor.byteSize(dtype, shape, name);
        } catch (SafetensorsFormatException e) {
            throw fail(e.getMessage());
        }
        if (expected != end - begin) {
            throw failTensor(name, "dtype " + dtype + " and shape " + Arrays.toString(shape) + " need " + expected
                    + " bytes, but data_offsets " + Arrays.toString(offsets) + " hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Reads an array of non-negative integers; {@code length} -1 means any length. */
    private long[] longs(String name, JsonObject object, String field, int length) {
        JsonElement element = object.get(field);
        if (element == null || !element.isJsonArray()) {
            throw failTensor(name, "\"" + field + "\" is missing or not an array");
        }
        JsonArray array = element.getAsJsonArray();
        if (length >= 0 && array.size() != length) {
            throw failTensor(name, "\"" + field + "\" has " + array.size() + " numbers, expected " + length);
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement item = array.get(i);
            try {
                JsonPrimitive primitive = item.getAsJsonPrimitive();
                if (!primitive.isNumber()) {
                    throw new NumberFormatException(item.toString());
                }
                values[i] = new BigDecimal(primitive.getAsString()).longValueExact();
            } catch (IllegalStateException | NumberFormatException | ArithmeticException e) {
                throw failTensor(name, "\"" + field + "\" holds " + item + ", expected a non-negative integer");
            }
            if (values[i] < 0) {
                throw failTensor(name, "\"" + field + "\" holds " + values[i] + ", expected a non-negative integer");
            }
        }
        return values;
    }

    private void checkNoOverlap(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.removeIf(e -> e.begin == e.end);
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry previous = sorted.get(i - 1);
            Entry current = sorted.get(i);
            if (current.begin < previous.end) {
                throw failTensor(current.name, "data_offsets [" + current.begin + ", " + current.end
                        + "] overlap those of tensor '" + previous.name + "' [" + previous.begin + ", "
                        + previous.end + "]");
            }
        }
    }

    private SafetensorsFormatException fail(String problem) {
        return new SafetensorsFormatException("safetensors file " + file + ": " + problem);
    }

    private SafetensorsFormatException failTensor(String tensor, String problem) {
        return fail("tensor '" + tensor + "': " + problem);
    }
}
