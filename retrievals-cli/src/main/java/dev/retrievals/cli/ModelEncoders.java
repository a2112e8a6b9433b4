package dev.retrievals.cli;

import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.index.store.Fingerprint;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.BundledModel;
import dev.retrievals.pytorch.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens a model as a {@link TextEncoder} on the engine a command asks for ({@code pytorch}:
 * {@link AutoModelForEmbedding}; {@code onnx}: {@link OnnxEncoder} on an export, a run folder's
 * export or a bundled model's original graph), with a fingerprint of everything that decides its
 * vectors, so that a stored corpus encoding is reused only for the same model and settings.
 */
final class ModelEncoders {
    /** The engines a command may run a model on. */
    static final List<String> BACKENDS = List.of("pytorch", "onnx");

    private ModelEncoders() {}

    /**
     * An opened model.
     *
     * @param encoder the encoder
     * @param fingerprint the model's files (or id), engine, pooling, length and normalisation, hashed
     * @param temporary a folder to delete when the encoder is closed, or {@code null}
     */
    record Opened(TextEncoder encoder, String fingerprint, Path temporary) implements AutoCloseable {
        @Override
        public void close() {
            try {
                encoder.close();
            } finally {
                if (temporary != null) {
                    AtomicFolder.deleteQuietly(temporary);
                }
            }
        }
    }

    /** Fails naming the option when {@code backend} is not one of {@link #BACKENDS}. */
    static String checkBackend(String backend, String command) {
        if (!BACKENDS.contains(backend)) {
            throw new UsageException("option --backend of '" + command + "' is '" + backend + "'; expected pytorch or onnx");
        }
        return backend;
    }

    /**
     * Opens {@code model}.
     *
     * @param model a bundled id, a model or run folder, an {@code .onnx} file or a Hugging Face id
     * @param pooling a pooling name, or {@code null} for the model's own
     * @param backend {@code pytorch} or {@code onnx}
     * @param maxLength the longest input in tokens, or {@code null} for the model's own
     * @param normalize whether vectors are L2-normalised
     * @param batchSize texts per forward pass (ONNX Runtime; the PyTorch encoder takes what it is given)
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}, or {@code null} for the engine's default
     */
    static Opened open(String model, String pooling, String backend, Integer maxLength, boolean normalize, int batchSize,
            String device) {
        return open(model, pooling, backend, maxLength, normalize, batchSize, ModelOptions.defaults().withDevice(device));
    }

    /**
     * Opens {@code model} with the device and prompts of {@code chosen} (its {@code null} fields keep the
     * model's own); the other parameters as {@link #open(String, String, String, Integer, boolean, int, String)}.
     */
    static Opened open(String model, String pooling, String backend, Integer maxLength, boolean normalize, int batchSize,
            ModelOptions chosen) {
        String device = chosen.device();
        String settings = backend + " pooling=" + pooling + " max_length=" + maxLength + " normalize=" + normalize
                + " query_prompt=" + chosen.queryPrompt() + " document_prompt=" + chosen.documentPrompt()
                + " include_prompt=" + chosen.includePrompt();
        if (backend.equals("pytorch")) {
            ModelOptions options = chosen.withNormalize(normalize ? null : false).withMaxLength(maxLength);
            AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model, pooling, options);
            return new Opened(encoder, fingerprint(model, false) + " " + settings, null);
        }
        Optional<BundledModel> bundled = Files.exists(Path.of(model)) ? Optional.empty() : BundledModel.find(model);
        if (bundled.isPresent()) {
            Path folder;
            try {
                folder = Files.createTempDirectory("retrievals-bundled-onnx-");
            } catch (IOException e) {
                throw new UsageException("cannot create a temporary folder for the bundled model '" + model + "': " + e.getMessage());
            }
            try {
                BundledModel found = bundled.get();
                OnnxEncoder.Builder builder = onnxBuilder(found.writeOnnxFolder(folder), pooling != null ? pooling : found.pooling(),
                        maxLength != null ? maxLength : found.maxLength(), batchSize, device).normalize(normalize);
                withPrompts(builder, chosen);
                return new Opened(builder.build(), Fingerprint.ofModel(found.id()) + " " + settings, folder);
            } catch (RuntimeException e) {
                AtomicFolder.deleteQuietly(folder);
                throw e;
            }
        }
        OnnxEncoder.Builder builder = onnxBuilder(Path.of(model), pooling, maxLength, batchSize, device);
        withPrompts(builder, chosen);
        if (!normalize) {
            builder.normalize(false);
        }
        return new Opened(builder.build(), fingerprint(model, true) + " " + settings, null);
    }

    /** Sets the prompts {@code chosen} names on an ONNX Runtime encoder's builder. */
    private static void withPrompts(OnnxEncoder.Builder builder, ModelOptions chosen) {
        builder.prompts(chosen.queryPrompt(), chosen.documentPrompt());
        if (chosen.includePrompt() != null) {
            builder.includePrompt(chosen.includePrompt());
        }
    }

    /** An ONNX Runtime encoder's builder for {@code folder}; {@code null} settings keep the export's own. */
    private static OnnxEncoder.Builder onnxBuilder(Path folder, String pooling, Integer maxLength, int batchSize, String device) {
        OnnxEncoder.Builder builder = OnnxEncoder.builder(folder).batchSize(batchSize);
        if (pooling != null) {
            builder.pooling(pooling);
        }
        if (maxLength != null) {
            builder.maxLength(maxLength);
        }
        if (device != null) {
            builder.device(device);
        }
        return builder;
    }

    /** The fingerprint of a model location; a run folder stands for its saved model or its export. */
    private static String fingerprint(String model, boolean onnx) {
        Path path = Path.of(model);
        if (Files.isDirectory(path)) {
            path = onnx ? RunFolder.onnxFolder(path) : RunFolder.modelFolder(path);
            return Fingerprint.ofModel(path.toString());
        }
        return Fingerprint.ofModel(model);
    }
}
