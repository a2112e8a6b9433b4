package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.hub.HubClient;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Resolves where a model is and loads it: a bundled model id, a Hugging Face or
 * sentence-transformers folder, a training run folder (its saved {@code model/}, see
 * {@link RunFolder}), or an ONNX file with {@code config.json} and {@code tokenizer.json} beside it.
 */
final class PretrainedLoader {
    /** Tokenizer files kept with a model and written back when it is saved. */
    static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "sentencepiece.bpe.model");

    /** Files fetched from the Hugging Face Hub for a model id: those a model cannot do without. */
    static final List<String> HUB_REQUIRED = List.of("config.json", "model.safetensors", "tokenizer.json");
    /** Files fetched when the repository has them. */
    static final List<String> HUB_OPTIONAL = List.of("tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
            "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json");
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+");

    private PretrainedLoader() {}

    static AutoModelForEmbedding load(String location, ModelOptions options) {
        return load(location, options, HubClient::fromEnvironment);
    }

    /**
     * Loads from a bundled id, a folder, an ONNX file, or (for an id like {@code org/name} that is
     * neither) the Hugging Face Hub through {@code hub}, which shares Python's cache.
     *
     * <p>Then collects the garbage the load left: the file's bytes and parsed tensors on the Java
     * heap and the direct buffers the weights were copied through (about the model's size each).
     * Until a full collection they stay resident, and the heap they grew stays committed, for the
     * life of the process: measured 0.26 GB of the peak of a short training run of bge-small-zh-v1.5
     * at batch 32 (docs/benchmarks.md §4). One collection after a load costs a few tens of ms.
     */
    static AutoModelForEmbedding load(String location, ModelOptions options, Supplier<HubClient> hub) {
        AutoModelForEmbedding model = loadFrom(location, options, hub);
        System.gc();
        return model;
    }

    private static AutoModelForEmbedding loadFrom(String location, ModelOptions options, Supplier<HubClient> hub) {
        if (location == null || location.isBlank()) {
            throw new RetrievalsException("Model location is empty; expected a folder, an .onnx file or one of " + BundledModel.ids());
        }
        Optional<BundledModel> bundled = BundledModel.find(location);
        if (bundled.isPresent()) {
            return loadBundled(bundled.get(), options);
        }
        Path path = Path.of(location);
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx")) {
            Path folder = path.toAbsolutePath().getParent();
            return loadOnnx(path, folder, options);
        }
        return loadFolder(folder(location, hub), options);
    }

    /**
     * The model folder a location names that is not a bundled id or an ONNX file: a folder (a run
     * folder's saved model), or the snapshot of a Hugging Face model id ({@code org/name}) fetched
     * through {@code hub}.
     */
    static Path folder(String location, Supplier<HubClient> hub) {
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            return RunFolder.modelFolder(path);
        }
        if (!Files.exists(path) && REPO_ID.matcher(location).matches()) {
            try {
                return hub.get().snapshot(location, "main", HUB_REQUIRED, HUB_OPTIONAL);
            } catch (RetrievalsException e) {
                throw new RetrievalsException("Model '" + location + "' is not a folder or file here, and as a Hugging Face"
                        + " model id it could not be fetched: " + e.getMessage() + " (bundled models that need no download: "
                        + String.join(", ", BundledModel.ids()) + ")", e);
            }
        }
        throw new RetrievalsException("Model '" + location + "' is not a folder, an .onnx file, a Hugging Face model id"
                + " (org/name), or a bundled model id (" + String.join(", ", BundledModel.ids()) + ")");
    }

    private static AutoModelForEmbedding loadBundled(BundledModel model, ModelOptions options) {
        TransformerConfig config = model.config();
        Map<String, byte[]> tokenizerFiles = Map.of("tokenizer.json", model.tokenizerJson());
        try (InputStream in = model.openOnnx()) {
            OnnxModel graph = OnnxModel.read(in, model.id() + ".onnx");
            return fromOnnxGraph(graph, config, model.id() + ".onnx", tokenizerFiles, model.savedSettings(), options);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the ONNX graph of bundled model " + model.id() + ": " + e.getMessage(), e);
        }
    }

    private static AutoModelForEmbedding loadFolder(Path folder, ModelOptions options) {
        Path safetensors = folder.resolve("model.safetensors");
        if (Files.isRegularFile(safetensors)) {
            TransformerConfig config = TransformerConfig.read(folder.resolve("config.json"));
            Map<String, byte[]> tokenizerFiles = tokenizerFiles(folder);
            ModelOptions saved = SentenceTransformersLayout.read(folder);
            try (NDManager scratch = PyTorchEngine.newManager(null)) {
                Map<String, NDArray> tensors = ModelFiles.readSafetensors(safetensors, scratch);
                return AutoModelForEmbedding.create(config, tensors, safetensors.toString(), tokenizerFiles, saved, options);
            }
        }
        for (Path onnx : List.of(folder.resolve("model.onnx"), folder.resolve("onnx").resolve("model.onnx"))) {
            if (Files.isRegularFile(onnx)) {
                return loadOnnx(onnx, folder, options);
            }
        }
        String pickle = Files.isRegularFile(folder.resolve("pytorch_model.bin"))
                ? " (pytorch_model.bin is a Python pickle, which Java cannot read safely: convert it to model.safetensors)" : "";
        throw new RetrievalsException("Model folder " + folder + " has no weights: expected model.safetensors or model.onnx" + pickle);
    }

    private static AutoModelForEmbedding loadOnnx(Path onnx, Path folder, ModelOptions options) {
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new RetrievalsException("ONNX model " + onnx + " has no config.json beside it: the number of attention heads"
                    + " cannot be read from the weights, so the Hugging Face config.json of the model is needed in " + folder);
        }
        TransformerConfig config = TransformerConfig.read(configFile);
        return fromOnnxGraph(OnnxModel.read(onnx), config, onnx.toString(), tokenizerFiles(folder),
                SentenceTransformersLayout.read(folder), options);
    }

    private static AutoModelForEmbedding fromOnnxGraph(OnnxModel graph, TransformerConfig config, String source,
            Map<String, byte[]> tokenizerFiles, ModelOptions saved, ModelOptions options) {
        TransformerArchitecture architecture = ModelFiles.architecture(config);
        try (NDManager scratch = PyTorchEngine.newManager(null)) {
            Map<String, NDArray> tensors = OnnxWeightImport.tensors(graph, architecture.parameterShapes(config), scratch, source);
            return AutoModelForEmbedding.create(config, tensors, source, tokenizerFiles, saved, options);
        }
    }

    private static Map<String, byte[]> tokenizerFiles(Path folder) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : TOKENIZER_FILES) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    files.put(name, Files.readAllBytes(file));
                } catch (IOException e) {
                    throw new RetrievalsException("Cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        }
        if (!files.containsKey("tokenizer.json")) {
            throw new RetrievalsException("Model folder " + folder + " has no tokenizer.json (a Hugging Face fast tokenizer is required)");
        }
        return files;
    }
}
