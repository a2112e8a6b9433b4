package dev.retrievals.index.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The names, small JSON files and text hashes of a corpus store folder. */
final class StoreFiles {
    static final String MANIFEST = "store.json";
    static final String PROGRESS = "progress.json";
    static final String DOCUMENTS = "documents.jsonl";
    static final String OFFSETS = "documents.offsets";
    static final String HASHES = "documents.hashes";
    static final String VECTORS = "vectors.npy";
    static final String INDEXES = "indexes";
    static final int FORMAT = 1;
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private StoreFiles() {}

    /** Writes a small JSON file so that it is either the old or the new one, never half of either. */
    static void writeJson(Path file, JsonObject json) {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a small JSON object file. */
    static JsonObject readJson(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new RetrievalsException("Cannot read " + file + " (expected a JSON object written by the corpus store): "
                    + e.getMessage(), e);
        }
    }

    /** A 64-bit hash of a text (the first 8 bytes of its SHA-256), used to find identical texts. */
    static long textHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long hash = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                hash = (hash << 8) | (digest[i] & 0xFF);
            }
            return hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
