package dev.retrievals.index.store;

import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.encode.BatchedEncoding;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.core.spi.OptionSpec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a corpus into a {@link CorpusStore}, streaming: documents are read one at a time and
 * written to the store's {@code documents.jsonl}, then encoded a chunk of {@code chunk_size}
 * documents at a time into the memory-mapped {@code vectors.npy}, so memory does not grow with the
 * corpus. After each chunk the vectors are forced to disk and {@code progress.json} records how
 * many are done, so an interrupted encoding resumes at the first unfinished chunk. Chunks have
 * fixed boundaries, so a resumed encoding hands the encoder exactly the batches an uninterrupted
 * one would and gives identical vectors.
 *
 * <p>Documents are encoded with the encoder's {@link TextEncoder#encodeDocuments}, so the model's
 * document prompt applies (and is left out of the pooling when the model's {@code include_prompt}
 * is false); {@link #prompt} puts another prompt before every text instead.
 *
 * <p>A folder that already holds a store of the same corpus (same ids and texts, in order), the
 * same model fingerprint, prompt and {@code include_prompt} is reused as it is (finished) or resumed
 * (unfinished); any other store there is replaced. A folder that exists and is not a store is
 * refused.
 *
 * <pre>{@code
 * try (OnnxEncoder encoder = OnnxEncoder.load(modelFolder);
 *      CorpusStore store = CorpusStore.builder(Path.of("runs/scifact-store"))
 *              .encoder(encoder, Fingerprint.ofModel(modelFolder.toString()))
 *              .build(CorpusSource.beir(Path.of("scifact"), true))) {
 *     ...
 * }
 * }</pre>
 */
public final class CorpusStoreBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(CorpusStoreBuilder.class);
    private static final String OWNER = "corpus store";
    /** Documents encoded and written per chunk (the unit of resumption). */
    public static final OptionSpec<Integer> CHUNK_SIZE =
            OptionSpec.ofInt("chunk_size", 4096, "documents encoded and written per chunk (the unit of resumption)").atLeast(1);
    /** Texts handed to the encoder per call. */
    public static final OptionSpec<Integer> BATCH_SIZE =
            OptionSpec.ofInt("batch_size", 64, "texts handed to the encoder per call").atLeast(1);

    private final Path folder;
    private TextEncoder encoder;
    private String modelFingerprint = "";
    /** The prompt chosen by the caller, or {@code null} for the encoder's document prompt. */
    private String prompt;
    private int chunkSize = CHUNK_SIZE.defaultValue();
    private int batchSize = BATCH_SIZE.defaultValue();
    private boolean resume = true;
    private boolean unitVectors = true;
    private boolean showProgressBar;

    CorpusStoreBuilder(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /**
     * The encoder of the documents (an {@code OnnxEncoder}, an {@code AutoModelForEmbedding}, any
     * {@link TextEncoder}) and a fingerprint of it (see {@link Fingerprint#ofModel}); without one
     * the store holds documents only (for lexical retrievers).
     */
    public CorpusStoreBuilder encoder(TextEncoder value, String fingerprint) {
        this.encoder = Objects.requireNonNull(value, "encoder");
        this.modelFingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        return this;
    }

    /**
     * Text put before every document when it is encoded, in place of the encoder's document prompt
     * ("" for none; encoded with {@link TextEncoder#encodeWithPrompt}, so a model with
     * {@code include_prompt} false leaves it out of the pooling). Default: the encoder's own
     * ({@link TextEncoder#encodeDocuments}).
     */
    public CorpusStoreBuilder prompt(String value) {
        this.prompt = Objects.requireNonNull(value, "prompt");
        return this;
    }

    /**
     * Text put before every document.
     *
     * @deprecated use {@link #prompt(String)}, which also leaves the prompt out of the pooling when
     *     the model's {@code include_prompt} is false
     */
    @Deprecated
    public CorpusStoreBuilder documentPrefix(String value) {
        return prompt(value);
    }

    /** Documents per chunk, the unit of resumption (option {@code chunk_size}, default 4096). */
    public CorpusStoreBuilder chunkSize(int value) {
        this.chunkSize = CHUNK_SIZE.check(value, OWNER);
        return this;
    }

    /** Texts per encoder call (option {@code batch_size}, default 64). */
    public CorpusStoreBuilder batchSize(int value) {
        this.batchSize = BATCH_SIZE.check(value, OWNER);
        return this;
    }

    /**
     * Whether vectors are stored at unit length (the default, which the dense retrievers need) or
     * as the encoder returns them (for {@code retrievals encode --no-normalize}; such a store
     * cannot be searched).
     */
    public CorpusStoreBuilder unitVectors(boolean value) {
        this.unitVectors = value;
        return this;
    }

    /** Whether an unfinished store of the same corpus and model is resumed (default) rather than encoded again. */
    public CorpusStoreBuilder resume(boolean value) {
        this.resume = value;
        return this;
    }

    /** Draw a progress bar while encoding. */
    public CorpusStoreBuilder showProgressBar(boolean value) {
        this.showProgressBar = value;
        return this;
    }

    /**
     * Builds, reuses or resumes the store of {@code source} and opens it.
     *
     * @throws RetrievalsException naming the folder or the source for anything wrong (an empty
     *     corpus, a bad row, a folder that is not a store); a store being encoded stays resumable
     */
    public CorpusStore build(CorpusSource source) {
        refuseForeignFolder();
        Path staging = stageDocuments(source);
        try {
            JsonObject staged = StoreFiles.readJson(staging.resolve(StoreFiles.MANIFEST));
            Path manifestFile = folder.resolve(StoreFiles.MANIFEST);
            if (Files.isRegularFile(manifestFile) && sameStore(StoreFiles.readJson(manifestFile), staged)) {
                JsonObject existing = StoreFiles.readJson(manifestFile);
                long done = encodedSoFar(folder, existing);
                if (done < existing.get("documents").getAsLong() && !resume) {
                    LOG.info("Corpus store {}: encoding again from the start (resume off)", folder);
                    replaceWith(staging);
                } else {
                    LOG.info("Corpus store {} matches the corpus and model: {}", folder,
                            done == existing.get("documents").getAsLong() ? "reused" : "resuming after " + done + " documents");
                }
            } else {
                replaceWith(staging);
            }
        } finally {
            AtomicFolder.deleteQuietly(staging);
        }
        encodeRemaining();
        return CorpusStore.open(folder);
    }

    private void refuseForeignFolder() {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new RetrievalsException("Corpus store folder " + folder + " is a file; expected a folder (new or a store)");
        }
        if (!Files.isRegularFile(folder.resolve(StoreFiles.MANIFEST))) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new RetrievalsException("Corpus store folder " + folder + " exists and is not a corpus store (no "
                            + StoreFiles.MANIFEST + "); choose a new folder or empty this one");
                }
            } catch (IOException e) {
                throw new RetrievalsException("Cannot read " + folder + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes the documents, their offsets and hashes, and a manifest into a hidden sibling folder. */
    private Path stageDocuments(CorpusSource source) {
        Path staging;
        try {
            Files.createDirectories(folder.getParent());
            staging = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".partial-");
        } catch (IOException e) {
            throw new RetrievalsException("Cannot create the corpus store beside " + folder + ": " + e.getMessage(), e);
        }
        try {
            Fingerprint corpus = new Fingerprint().add("corpus");
            long count = 0;
            long offset = 0;
            try (CorpusSource.Documents documents = source.open();
                    OutputStream text = new BufferedOutputStream(Files.newOutputStream(staging.resolve(StoreFiles.DOCUMENTS)), 1 << 16);
                    DataOutputStream offsets = dataFile(staging.resolve(StoreFiles.OFFSETS));
                    DataOutputStream hashes = dataFile(staging.resolve(StoreFiles.HASHES))) {
                offsets.writeLong(0);
                while (documents.hasNext()) {
                    CorpusDocument document = documents.next();
                    corpus.add(document.id()).add(document.text());
                    byte[] line = (StoreFiles.GSON.toJson(Map.of("id", document.id(), "text", document.text())) + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                    text.write(line);
                    offset += line.length;
                    offsets.writeLong(offset);
                    hashes.writeLong(StoreFiles.textHash(document.text()));
                    count++;
                }
            }
            if (count == 0) {
                throw new RetrievalsException(source.name() + " has no documents; expected at least one");
            }
            if (count > Integer.MAX_VALUE) {
                throw new RetrievalsException(source.name() + " has " + count + " documents; at most " + Integer.MAX_VALUE
                        + " fit in one store");
            }
            JsonObject manifest = new JsonObject();
            manifest.addProperty("format", StoreFiles.FORMAT);
            manifest.addProperty("documents", count);
            manifest.addProperty("dimension", encoder == null ? 0 : encoder.dimension());
            manifest.addProperty("corpus", corpus.hex());
            manifest.addProperty("model", modelFingerprint);
            String effectivePrompt = effectivePrompt();
            boolean includePrompt = encoder == null || encoder.prompts().includePrompt();
            manifest.addProperty("prompt", effectivePrompt);
            manifest.addProperty("include_prompt", includePrompt);
            manifest.addProperty("chunk_size", chunkSize);
            manifest.addProperty("unit_vectors", unitVectors);
            manifest.addProperty("fingerprint", Fingerprint.of(manifest.get("corpus").getAsString(), modelFingerprint, effectivePrompt,
                    Boolean.toString(includePrompt), Integer.toString(manifest.get("dimension").getAsInt()), Boolean.toString(unitVectors)));
            StoreFiles.writeJson(staging.resolve(StoreFiles.MANIFEST), manifest);
            return staging;
        } catch (IOException | RuntimeException e) {
            AtomicFolder.deleteQuietly(staging);
            if (e instanceof RetrievalsException known) {
                throw known;
            }
            throw new RetrievalsException("Cannot read the corpus " + source.name() + " into " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The prompt the documents get: the caller's, else the encoder's document prompt ("" without an encoder). */
    private String effectivePrompt() {
        return prompt != null ? prompt : encoder != null ? encoder.prompts().document() : "";
    }

    private static DataOutputStream dataFile(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    private static boolean sameStore(JsonObject existing, JsonObject staged) {
        for (String key : List.of("format", "documents", "dimension", "corpus", "model", "prompt", "include_prompt", "chunk_size")) {
            if (!Objects.equals(existing.get(key), staged.get(key))) {
                return false;
            }
        }
        return CorpusStore.unitVectors(existing) == CorpusStore.unitVectors(staged);
    }

    /** Puts the staged documents in place of the folder (a previous store there is removed) with empty vectors. */
    private void replaceWith(Path staging) {
        try {
            JsonObject manifest = StoreFiles.readJson(staging.resolve(StoreFiles.MANIFEST));
            int dimension = manifest.get("dimension").getAsInt();
            if (dimension > 0) {
                NpyHeader header = NpyHeader.of(manifest.get("documents").getAsLong(), dimension);
                try (FileChannel vectors = FileChannel.open(staging.resolve(StoreFiles.VECTORS), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    vectors.write(ByteBuffer.wrap(header.bytes()), 0);
                    vectors.truncate(header.fileLength());
                    if (vectors.size() < header.fileLength()) {
                        vectors.write(ByteBuffer.allocate(1), header.fileLength() - 1);
                    }
                }
            }
            JsonObject progress = new JsonObject();
            progress.addProperty("encoded", dimension > 0 ? 0 : manifest.get("documents").getAsLong());
            StoreFiles.writeJson(staging.resolve(StoreFiles.PROGRESS), progress);
            Path previous = null;
            if (Files.exists(folder)) {
                previous = folder.resolveSibling("." + folder.getFileName() + ".previous-" + System.nanoTime());
                Files.move(folder, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            if (previous != null) {
                AtomicFolder.deleteQuietly(previous);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot put the corpus store in place at " + folder + ": " + e.getMessage(), e);
        }
    }

    /** How many documents of the store in {@code folder} have their vectors on disk. */
    static long encodedSoFar(Path folder, JsonObject manifest) {
        Path progress = folder.resolve(StoreFiles.PROGRESS);
        if (!Files.isRegularFile(progress)) {
            return 0;
        }
        return Math.min(StoreFiles.readJson(progress).get("encoded").getAsLong(), manifest.get("documents").getAsLong());
    }

    private void encodeRemaining() {
        JsonObject manifest = StoreFiles.readJson(folder.resolve(StoreFiles.MANIFEST));
        int total = manifest.get("documents").getAsInt();
        int dimension = manifest.get("dimension").getAsInt();
        long done = encodedSoFar(folder, manifest);
        if (done >= total || dimension == 0) {
            return;
        }
        if (encoder == null) {
            throw new IllegalStateException("an unfinished store needs an encoder");
        }
        int chunk = manifest.get("chunk_size").getAsInt();
        int start = (int) (done / chunk * chunk);
        NpyHeader header = NpyHeader.of(total, dimension);
        try (CorpusStore documents = openDocumentsOnly(manifest);
                FileChannel vectors = FileChannel.open(folder.resolve(StoreFiles.VECTORS), StandardOpenOption.WRITE);
                ProgressBar progress = new ProgressBar("encode corpus", total, showProgressBar)) {
            progress.advance(start);
            for (int first = start; first < total; first += chunk) {
                int count = Math.min(chunk, total - first);
                List<String> texts = new ArrayList<>(count);
                for (int document = first; document < first + count; document++) {
                    texts.add(documents.text(document));
                }
                float[][] encoded = BatchedEncoding.encode(prompt == null ? encoder::encodeDocuments
                        : batch -> encoder.encodeWithPrompt(batch, prompt), texts, batchSize, "corpus", progress, first);
                ByteBuffer bytes = ByteBuffer.allocate(count * dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] vector : encoded) {
                    if (vector.length != dimension) {
                        throw new RetrievalsException("The encoder returned vectors of length " + vector.length + "; its dimension() is "
                                + dimension);
                    }
                    for (float value : unitVectors ? Vectors.unit(vector) : vector) {
                        bytes.putFloat(value);
                    }
                }
                bytes.flip();
                long position = header.length() + (long) first * dimension * Float.BYTES;
                while (bytes.hasRemaining()) {
                    position += vectors.write(bytes, position);
                }
                vectors.force(false);
                JsonObject state = new JsonObject();
                state.addProperty("encoded", first + count);
                StoreFiles.writeJson(folder.resolve(StoreFiles.PROGRESS), state);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write vectors to " + folder.resolve(StoreFiles.VECTORS) + ": " + e.getMessage()
                    + " (the chunks written so far are kept; build again to resume)", e);
        }
    }

    /** The store's documents, readable while its vectors are still being written. */
    private CorpusStore openDocumentsOnly(JsonObject manifest) {
        JsonObject documentsOnly = manifest.deepCopy();
        documentsOnly.addProperty("dimension", 0);
        return CorpusStore.openDocuments(folder, documentsOnly);
    }
}
