package dev.retrievals.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.model.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells a reranker (cross-encoder) from an embedding model by its saved {@code config.json}: a
 * reranker's {@code architectures} names a {@code …ForSequenceClassification} model, as Hugging
 * Face and {@code AutoModelForRanking.save} write it. Bundled ids, ONNX files and Hub ids not yet
 * in a folder count as embedding models.
 */
final class ModelKind {
    private ModelKind() {}

    /** Whether the model at {@code location} (a folder or a run folder) is saved as a reranker. */
    static boolean isReranker(String location) {
        Path path = Path.of(location);
        if (!Files.isDirectory(path)) {
            return false;
        }
        Path config = config(path);
        if (config == null || !Files.isRegularFile(config)) {
            return false; // the loader then says what the location lacks, in the words of the engine it was asked for
        }
        try {
            JsonElement json = JsonParser.parseString(Files.readString(config));
            JsonElement architectures = json.isJsonObject() ? ((JsonObject) json).get("architectures") : null;
            if (architectures == null || !architectures.isJsonArray()) {
                return false;
            }
            for (JsonElement name : architectures.getAsJsonArray()) {
                if (name.isJsonPrimitive() && name.getAsString().endsWith("ForSequenceClassification")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | JsonParseException e) {
            throw new UsageException("cannot read " + config + " (expected the model's JSON config): " + e.getMessage());
        }
    }

    /** The {@code config.json} of a folder, or of a run folder's {@code model/} (else {@code onnx/}); {@code null} when it has neither. */
    private static Path config(Path folder) {
        if (!RunFolder.isRunFolder(folder)) {
            return folder.resolve("config.json");
        }
        for (String inside : List.of(RunFolder.MODEL, RunFolder.ONNX)) {
            Path config = folder.resolve(inside).resolve("config.json");
            if (Files.isRegularFile(config)) {
                return config;
            }
        }
        return null;
    }
}
