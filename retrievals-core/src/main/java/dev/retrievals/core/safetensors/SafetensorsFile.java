package dev.retrievals.core.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The contents of a {@code .safetensors} file: named tensors and string metadata.
 *
 * <p>Reading memory-maps the file once (files up to 2 GB) and checks the header: its length, the
 * JSON, each tensor's dtype, shape and {@code data_offsets} (in range, matching the byte size,
 * not overlapping). Tensors are views of the map; the map lives as long as any of them.
 *
 * <p>Writing uses the Hugging Face layout: an 8-byte little-endian header length, then a JSON
 * header with {@code "__metadata__"} first ({@code "format": "pt"} included) and the tensors sorted
 * by name, each {@code {"dtype","shape","data_offsets"}}, padded with spaces to a multiple of 8
 * bytes; then the tensors' bytes, contiguous, in header order.
 */
public final class SafetensorsFile {
    /** The header key reserved for string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    /** A file's contents; tensor names must be distinct. */
    public SafetensorsFile(Collection<SafetensorsTensor> tensors, Map<String, String> metadata) {
        Map<String, SafetensorsTensor> byName = new LinkedHashMap<>();
        for (SafetensorsTensor tensor : tensors) {
            if (byName.put(tensor.name(), tensor) != null) {
                throw new SafetensorsFormatException("two tensors are named '" + tensor.name() + "'");
            }
        }
        this.tensors = Collections.unmodifiableMap(byName);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Copies DJL arrays (keyed by parameter name) into a file's contents with {@code format: pt}. */
    public static SafetensorsFile fromNDArrays(Map<String, NDArray> arrays) {
        return new SafetensorsFile(arrays.entrySet().stream()
                .map(e -> SafetensorsTensor.fromNDArray(e.getKey(), e.getValue())).toList(), Map.of("format", "pt"));
    }

    /** Reads and checks a safetensors file (memory-mapped; up to 2 GB). */
    public static SafetensorsFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RetrievalsException("safetensors file " + file + " does not exist or is not a file");
        }
        try {
            return new SafetensorsReader(file).read();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tensors in header order (file order when read, name order when written). */
    public Collection<SafetensorsTensor> tensors() {
        return tensors.values();
    }

    /** The tensor names in the same order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The tensor with the given name, if any. */
    public Optional<SafetensorsTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The {@code __metadata__} entries. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Copies every tensor into a DJL array of {@code manager}, keyed by name (BF16 becomes float32);
     * on failure the arrays made so far are closed.
     */
    public Map<String, NDArray> toNDArrays(NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (SafetensorsTensor tensor : tensors.values()) {
                arrays.put(tensor.name(), tensor.toNDArray(manager));
            }
        } catch (RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    /**
     * Writes the Hugging Face layout (see the class comment). The file is written beside the target
     * and then moved over it, so a file that is still memory-mapped is never overwritten in place.
     */
    public void write(Path file) {
        Map<String, SafetensorsTensor> sorted = new TreeMap<>(tensors);
        ByteBuffer header = header(sorted);
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW)) {
                writeFully(channel, header);
                for (SafetensorsTensor tensor : sorted.values()) {
                    writeFully(channel, tensor.data());
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new RetrievalsException("Cannot write safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The length field and the padded JSON header for tensors in the given order. */
    private ByteBuffer header(Map<String, SafetensorsTensor> ordered) {
        JsonObject json = new JsonObject();
        JsonObject meta = new JsonObject();
        Map<String, String> allMetadata = new TreeMap<>(metadata);
        allMetadata.putIfAbsent("format", "pt");
        allMetadata.forEach(meta::addProperty);
        json.add(METADATA_KEY, meta);
        long offset = 0;
        for (SafetensorsTensor tensor : ordered.values()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", tensor.dtype().name());
            JsonArray shape = new JsonArray();
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += tensor.data().remaining();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            json.add(tensor.name(), entry);
        }
        byte[] text = new GsonBuilder().disableHtmlEscaping().create().toJson(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer header = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(padded).put(text);
        while (header.hasRemaining()) {
            header.put((byte) ' ');
        }
        return header.flip();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the write already failed; that error is the one to report
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SafetensorsFile that && tensors.equals(that.tensors) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return tensors.keySet().hashCode() * 31 + metadata.hashCode();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + tensors.size() + " tensors, metadata " + metadata + "]";
    }
}
