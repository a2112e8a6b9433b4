package dev.retrievals.pytorch;

import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a model as a folder that both this project and Python's sentence-transformers load:
 * {@code config.json}, {@code model.safetensors}, the tokenizer files and the sentence-transformers
 * files, through {@link AtomicFolder}: a failure never leaves a half-written model where a
 * complete one was expected.
 */
final class ModelSaver {
    private ModelSaver() {}

    static void save(AutoModelForEmbedding model, Path target) {
        Path folder = target.toAbsolutePath().normalize();
        checkReplaceable(folder);
        AtomicFolder.write(folder, temporary -> writeContents(model, temporary));
    }

    /** Fails when {@code folder} is a file, or a non-empty folder that holds no model (nothing there is replaced). */
    static void checkReplaceable(Path folder) {
        if (Files.isRegularFile(folder)) {
            throw new RetrievalsException("Cannot save the model to " + folder + ": it is a file, expected a folder");
        }
        if (Files.isDirectory(folder) && !Files.isRegularFile(folder.resolve("config.json")) && !isEmpty(folder)) {
            throw new RetrievalsException("Cannot save the model to " + folder + ": the folder exists, is not empty and holds"
                    + " no model (no config.json); refusing to replace it");
        }
    }

    private static void writeContents(AutoModelForEmbedding model, Path folder) throws IOException {
        SentenceTransformersLayout.writeJson(folder.resolve("config.json"), model.config().json());
        SafetensorsFile.fromNDArrays(model.parameters()).write(folder.resolve("model.safetensors"));
        writeTokenizerFiles(model, folder);
        SentenceTransformersLayout.write(folder, model.poolingName(), model.normalizes(), model.dimension(),
                model.tokenizer().maxLength(), model.prompts());
    }

    /** Writes the tokenizer files as loaded, and a {@code tokenizer_config.json} with the maximum length when there was none. */
    static void writeTokenizerFiles(AutoModelForEmbedding model, Path folder) throws IOException {
        Map<String, byte[]> tokenizerFiles = model.tokenizerFiles();
        for (Map.Entry<String, byte[]> file : tokenizerFiles.entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
        }
        if (!tokenizerFiles.containsKey("tokenizer_config.json")) {
            JsonObject tokenizerConfig = new JsonObject();
            tokenizerConfig.addProperty("model_max_length", model.tokenizer().maxLength());
            SentenceTransformersLayout.writeJson(folder.resolve("tokenizer_config.json"), tokenizerConfig);
        }
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
    }
}
