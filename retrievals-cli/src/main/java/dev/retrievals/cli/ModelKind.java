package dev.retrievals.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.model.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        Path config = RunFolder.modelFolder(path).resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
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
}
