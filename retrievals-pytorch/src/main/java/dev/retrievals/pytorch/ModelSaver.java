package dev.retrievals.pytorch;

import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a model as a folder that both this project and Python's sentence-transformers load:
 * {@code config.json}, {@code model.safetensors}, the tokenizer files and the sentence-transformers
 * files. The folder is written beside the target under a temporary name and then renamed into
 * place, so a failure never leaves a half-written model where a complete one was expected.
 */
final class ModelSaver {
    private ModelSaver() {}

    static void save(AutoModelForEmbedding model, Path target) {
        Path folder = target.toAbsolutePath().normalize();
        checkReplaceable(folder);
        Path temporary = null;
        try {
            Files.createDirectories(folder.getParent());
            temporary = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + ".partial-");
            writeContents(model, temporary);
            replace(temporary, folder);
            temporary = null;
        } catch (IOException | UncheckedIOException e) {
            throw new RetrievalsException("Cannot save the model to " + folder + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    private static void checkReplaceable(Path folder) {
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
        Map<String, byte[]> tokenizerFiles = model.tokenizerFiles();
        for (Map.Entry<String, byte[]> file : tokenizerFiles.entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
        }
        if (!tokenizerFiles.containsKey("tokenizer_config.json")) {
            JsonObject tokenizerConfig = new JsonObject();
            tokenizerConfig.addProperty("model_max_length", model.tokenizer().maxLength());
            SentenceTransformersLayout.writeJson(folder.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        SentenceTransformersLayout.write(folder, model.poolingName(), model.normalizes(), model.dimension(),
                model.tokenizer().maxLength(), model.queryInstruction(), model.documentInstruction());
    }

    /** Moves the new folder into place; an existing model folder is moved aside first and deleted last. */
    private static void replace(Path fresh, Path folder) throws IOException {
        Path previous = null;
        if (Files.exists(folder)) {
            previous = folder.resolveSibling("." + folder.getFileName() + ".previous-" + System.nanoTime());
            move(folder, previous);
        }
        try {
            move(fresh, folder);
        } catch (IOException e) {
            if (previous != null) {
                move(previous, folder);
            }
            throw e;
        }
        if (previous != null) {
            deleteQuietly(previous);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // Best effort: a leftover hidden temporary folder is harmless and named as such.
        }
    }
}
