package dev.retrievals.core.onnx;

import dev.retrievals.core.RetrievalsException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model file ({@code ModelProto}) in memory: IR version, producer, operator sets, metadata
 * and the graph. Reading takes the file's bytes once and lets the tensors share them, so a 100 MB
 * model costs about 100 MB of heap; files must be self-contained (no external data) and under 2 GB.
 * Writing streams tensor data straight from the tensors' buffers, as {@code raw_data}.
 *
 * <p>Kept: what an encoder needs to import and export weights. Dropped on reading: doc strings,
 * {@code value_info} (ONNX Runtime infers it again), model domain/version, training info.
 *
 * @param irVersion the ONNX IR version (e.g. 8)
 * @param producerName the tool that wrote the file ("" if none)
 * @param producerVersion the version of that tool ("" if none)
 * @param opsetImports the operator sets used (at least one)
 * @param metadataProps free-form key/value metadata, in file order
 * @param graph the computation
 */
public record OnnxModel(long irVersion, String producerName, String producerVersion,
        List<OnnxOpsetImport> opsetImports, Map<String, String> metadataProps, OnnxGraph graph) {
    /** Copies the collections and checks the required parts. */
    public OnnxModel {
        if (irVersion < 1) {
            throw new IllegalArgumentException("ir_version is " + irVersion + ", expected >= 1");
        }
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Objects.requireNonNull(graph, "graph");
        opsetImports = List.copyOf(opsetImports);
        if (opsetImports.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one opset import");
        }
        metadataProps = Collections.unmodifiableMap(new LinkedHashMap<>(metadataProps));
    }

    /** A model of the default ONNX domain at {@code opsetVersion}, without metadata. */
    public static OnnxModel of(OnnxGraph graph, long irVersion, long opsetVersion, String producerName) {
        return new OnnxModel(irVersion, producerName, "", List.of(OnnxOpsetImport.onnx(opsetVersion)), Map.of(),
                graph);
    }

    /** The same model with other metadata. */
    public OnnxModel withMetadata(Map<String, String> metadata) {
        return new OnnxModel(irVersion, producerName, producerVersion, opsetImports, metadata, graph);
    }

    /** The same model with another graph. */
    public OnnxModel withGraph(OnnxGraph newGraph) {
        return new OnnxModel(irVersion, producerName, producerVersion, opsetImports, metadataProps, newGraph);
    }

    /** Reads an ONNX file; errors name the file and what was expected there. */
    public static OnnxModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RetrievalsException("ONNX file " + file + " does not exist or is not a file");
        }
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new OnnxFormatException(file + ": " + Files.size(file) + " bytes; ONNX files over 2 GB "
                        + "(which need external data) are not supported");
            }
            return new OnnxProtoReader(file.toString()).decodeModel(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an ONNX model from a stream (read to its end, not closed); {@code sourceName} appears in errors. */
    public static OnnxModel read(InputStream in, String sourceName) {
        try {
            return new OnnxProtoReader(sourceName).decodeModel(in.readAllBytes());
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read ONNX model " + sourceName + ": " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new OnnxFormatException(sourceName + ": the stream does not fit in memory (ONNX models over 2 GB "
                    + "are not supported)", e);
        }
    }

    /** Reads an ONNX model from a stream (read to its end, not closed). */
    public static OnnxModel read(InputStream in) {
        return read(in, "ONNX stream");
    }

    /** Writes this model to a file (replacing it), streaming tensor data. */
    public void write(Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(out);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes this model to a stream (not closed). */
    public void write(OutputStream out) throws IOException {
        OnnxProtoWriter.encodeModel(this).writeTo(out);
    }

    /** The encoded model; for small models and tests (large models: write to a file). */
    public byte[] toByteArray() {
        ProtoMessage message = OnnxProtoWriter.encodeModel(this);
        if (message.size() > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException("the model takes " + message.size() + " bytes, more than an array holds");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) message.size());
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return out.toByteArray();
    }
}
