package dev.retrievals.index.store;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.search.SearchCorpus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A corpus encoded once and kept on disk, read through memory maps so that a corpus larger than
 * memory can be searched: {@code documents.jsonl} ({@code {"id", "text"}} per line, in corpus
 * order), {@code vectors.npy} (unit-length float32 vectors, {@code [documents, dimension]}, a
 * NumPy file: {@code numpy.load("vectors.npy", mmap_mode="r")}), {@code store.json} (counts and
 * the fingerprints of corpus, model and settings) and the byte offsets and text hashes of the
 * documents. Written by {@link CorpusStoreBuilder}; thread-safe for reading.
 */
public final class CorpusStore implements SearchCorpus, AutoCloseable {
    /** Rows of vectors per memory-mapped segment are chosen so a segment stays under this many bytes. */
    private static final long SEGMENT_BYTES = 1L << 30;

    private final Path folder;
    private final int size;
    private final int dimension;
    private final String fingerprint;
    private final boolean unitVectors;
    private final FileChannel documents;
    private final LongBuffer offsets;
    private final LongBuffer hashes;
    private final List<FloatBuffer> segments = new ArrayList<>();
    private final int rowsPerSegment;

    private CorpusStore(Path folder, JsonObject manifest) throws IOException {
        this.folder = folder;
        this.size = manifest.get("documents").getAsInt();
        this.dimension = manifest.get("dimension").getAsInt();
        this.fingerprint = manifest.get("fingerprint").getAsString();
        this.unitVectors = unitVectors(manifest);
        this.documents = FileChannel.open(folder.resolve(StoreFiles.DOCUMENTS), StandardOpenOption.READ);
        this.offsets = mapLongs(folder.resolve(StoreFiles.OFFSETS), size + 1L);
        this.hashes = mapLongs(folder.resolve(StoreFiles.HASHES), size);
        this.rowsPerSegment = dimension == 0 ? 0 : (int) Math.max(1, SEGMENT_BYTES / ((long) dimension * Float.BYTES));
        if (dimension > 0) {
            mapVectors(folder.resolve(StoreFiles.VECTORS));
        }
    }

    /**
     * Opens a complete store.
     *
     * @throws RetrievalsException naming the folder when it is not a store or its encoding is unfinished
     */
    public static CorpusStore open(Path folder) {
        Path manifestFile = folder.resolve(StoreFiles.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new RetrievalsException(folder + " is not a corpus store (no " + StoreFiles.MANIFEST + ")");
        }
        JsonObject manifest = StoreFiles.readJson(manifestFile);
        int total = manifest.get("documents").getAsInt();
        long encoded = CorpusStoreBuilder.encodedSoFar(folder, manifest);
        if (encoded < total) {
            throw new RetrievalsException("Corpus store " + folder + " is incomplete: " + encoded + " of " + total
                    + " documents encoded; build it again with the same corpus and model to resume");
        }
        try {
            return new CorpusStore(folder, manifest);
        } catch (IOException | RuntimeException e) {
            throw new RetrievalsException("Cannot open corpus store " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The documents of a store whose vectors are not all written yet (the manifest given says dimension 0). */
    static CorpusStore openDocuments(Path folder, JsonObject manifest) {
        try {
            return new CorpusStore(folder, manifest);
        } catch (IOException | RuntimeException e) {
            throw new RetrievalsException("Cannot open corpus store " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A builder of the store in {@code folder}: encodes a corpus there, or reuses or resumes the store there. */
    public static CorpusStoreBuilder builder(Path folder) {
        return new CorpusStoreBuilder(folder);
    }

    private static LongBuffer mapLongs(Path file, long count) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() != count * Long.BYTES) {
                throw new IOException(file + " has " + channel.size() + " bytes; expected " + count * Long.BYTES);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).asLongBuffer();
        }
    }

    private void mapVectors(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
            channel.read(start, 0);
            start.flip();
            NpyHeader header = NpyHeader.parse(start, file.toString());
            if (header.rows() != size || header.columns() != dimension || channel.size() != header.fileLength()) {
                throw new IOException(file + " holds [" + header.rows() + ", " + header.columns() + "] in " + channel.size()
                        + " bytes; expected [" + size + ", " + dimension + "] in " + NpyHeader.of(size, dimension).fileLength());
            }
            long rowBytes = (long) dimension * Float.BYTES;
            for (long row = 0; row < size; row += rowsPerSegment) {
                long rows = Math.min(rowsPerSegment, size - row);
                ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, header.length() + row * rowBytes, rows * rowBytes);
                segments.add(mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
            }
        }
    }

    /** Whether a manifest says its vectors are unit length (stores written before the setting existed are). */
    static boolean unitVectors(JsonObject manifest) {
        return !manifest.has("unit_vectors") || manifest.get("unit_vectors").getAsBoolean();
    }

    /**
     * Whether the vectors are unit length (the default); a store built with
     * {@code unitVectors(false)} keeps the encoder's vectors as they came and cannot be searched.
     */
    public boolean unitVectors() {
        return unitVectors;
    }

    /** The NumPy file of the vectors, {@code [size, dimension]} float32 (complete once the store is open). */
    public Path vectorsFile() {
        return folder.resolve(StoreFiles.VECTORS);
    }

    /** The store's folder. */
    public Path folder() {
        return folder;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id(int document) {
        return document(document).id();
    }

    @Override
    public String text(int document) {
        return document(document).text();
    }

    /** A document's id and text. */
    public CorpusDocument document(int document) {
        checkIndex(document);
        long start = offsets.get(document);
        int length = Math.toIntExact(offsets.get(document + 1) - start);
        ByteBuffer bytes = ByteBuffer.allocate(length);
        try {
            while (bytes.hasRemaining()) {
                if (documents.read(bytes, start + bytes.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read document " + document + " of " + folder.resolve(StoreFiles.DOCUMENTS) + ": "
                    + e.getMessage(), e);
        }
        JsonObject row = JsonParser.parseString(new String(bytes.array(), StandardCharsets.UTF_8)).getAsJsonObject();
        return new CorpusDocument(row.get("id").getAsString(), row.get("text").getAsString());
    }

    /** A 64-bit hash of a document's text: equal texts have equal hashes (see {@link #textHash(String)}). */
    public long textHash(int document) {
        checkIndex(document);
        return hashes.get(document);
    }

    /** The hash {@link #textHash(int)} gives a document with this text. */
    public static long textHash(String text) {
        return StoreFiles.textHash(text);
    }

    /** A document's vector (unit length unless the store was built with {@code unitVectors(false)}). */
    public float[] vector(int document) {
        float[] vector = new float[dimension];
        vectors(document, 1, vector);
        return vector;
    }

    @Override
    public void vectors(int first, int count, float[] into) {
        if (dimension == 0) {
            throw new IllegalStateException("Corpus store " + folder + " holds no vectors (it was built without an encoder)");
        }
        if (first < 0 || count < 0 || first + (long) count > size) {
            throw new IndexOutOfBoundsException("documents " + first + " … " + (first + count - 1) + " of " + size);
        }
        int done = 0;
        while (done < count) {
            int row = first + done;
            int segment = row / rowsPerSegment;
            int inSegment = row % rowsPerSegment;
            int rows = Math.min(count - done, rowsPerSegment - inSegment);
            segments.get(segment).get(inSegment * dimension, into, done * dimension, rows * dimension);
            done += rows;
        }
    }

    /**
     * The positions of the documents with these ids (one pass over the documents). An id absent from
     * the corpus is absent from the map; an id given to several documents maps to the first.
     */
    public Map<String, Integer> positionsOf(Set<String> ids) {
        Map<String, Integer> positions = new HashMap<>();
        for (int document = 0; document < size && positions.size() < ids.size(); document++) {
            String id = id(document);
            if (ids.contains(id)) {
                positions.putIfAbsent(id, document);
            }
        }
        return positions;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public Path indexFolder() {
        return folder.resolve(StoreFiles.INDEXES);
    }

    private void checkIndex(int document) {
        if (document < 0 || document >= size) {
            throw new IndexOutOfBoundsException("document " + document + " of a corpus of " + size);
        }
    }

    @Override
    public void close() {
        try {
            documents.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    @Override
    public String toString() {
        return "CorpusStore(" + folder + ", " + size + " documents, dimension " + dimension + ")";
    }
}
