package dev.retrievals.core.model;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A training run's output folder used where a model is expected. A run folder holds the saved
 * model in {@code model/} and, when exported, the ONNX export in {@code onnx/}, beside
 * {@code metrics.jsonl} and {@code checkpoint-<step>/} folders. Every loader resolves a location
 * through here, so {@code runs/x} means the same model everywhere: {@link #modelFolder} gives
 * {@code runs/x/model} (for the PyTorch loaders), {@link #onnxFolder} gives {@code runs/x/onnx}
 * (for ONNX Runtime). A folder that is itself a model, a file and a model id pass through unchanged.
 */
public final class RunFolder {
    /** The saved model inside a run folder. */
    public static final String MODEL = "model";
    /** The ONNX export inside a run folder. */
    public static final String ONNX = "onnx";
    /** The training log inside a run folder. */
    public static final String METRICS = "metrics.jsonl";

    /** Files any one of which makes a folder a model (Hugging Face, sentence-transformers or ONNX layout). */
    private static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors", "model.onnx", "tokenizer.json",
            "modules.json", "pytorch_model.bin");
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

    private RunFolder() {}

    /** Whether {@code folder} is a folder that holds a model's own files (not a run folder around one). */
    public static boolean isModelFolder(Path folder) {
        return Files.isDirectory(folder) && MODEL_FILES.stream().anyMatch(name -> Files.isRegularFile(folder.resolve(name)));
    }

    /**
     * Whether {@code folder} is a training output folder: not a model itself, and holding a saved
     * model, an export, a metrics log or a checkpoint.
     */
    public static boolean isRunFolder(Path folder) {
        if (!Files.isDirectory(folder) || isModelFolder(folder)) {
            return false;
        }
        return Files.isDirectory(folder.resolve(MODEL)) || Files.isDirectory(folder.resolve(ONNX))
                || Files.isRegularFile(folder.resolve(METRICS)) || newestCheckpoint(folder).isPresent();
    }

    /**
     * The model folder that a location means for the PyTorch loaders: a run folder's {@code model/}
     * (or its {@code onnx/} export, which holds the weights too, when {@code model/} is missing);
     * anything else unchanged.
     *
     * @throws RetrievalsException for a run folder with neither, or a folder that is neither a model nor a run folder
     */
    public static Path modelFolder(Path location) {
        if (!needsResolving(location)) {
            return location;
        }
        for (String inside : List.of(MODEL, ONNX)) {
            if (isModelFolder(location.resolve(inside))) {
                return location.resolve(inside);
            }
        }
        throw new RetrievalsException("Training run folder " + location + " has no saved model (no " + location.resolve(MODEL)
                + "); the run stopped before saving it" + newestCheckpoint(location)
                        .map(checkpoint -> ": its newest checkpoint's model is " + checkpoint.resolve(MODEL)).orElse(""));
    }

    /**
     * The folder that a location means for ONNX Runtime: a run folder's {@code onnx/} export;
     * anything else unchanged.
     *
     * @throws RetrievalsException for a run folder without an export, or a folder that is neither a model nor a run folder
     */
    public static Path onnxFolder(Path location) {
        if (!needsResolving(location)) {
            return location;
        }
        Path onnx = location.resolve(ONNX);
        if (Files.isRegularFile(onnx.resolve("model.onnx"))) {
            return onnx;
        }
        throw new RetrievalsException("Training run folder " + location + " has no ONNX export (no " + onnx.resolve("model.onnx")
                + "); write one with: retrievals export --model " + location + " --output " + onnx);
    }

    /** True for a folder that is not a model itself; an error for one that is not a run folder either. */
    private static boolean needsResolving(Path location) {
        if (!Files.isDirectory(location) || isModelFolder(location)) {
            return false;
        }
        if (!isRunFolder(location)) {
            throw new RetrievalsException("Folder " + location + " is neither a model (config.json with model.safetensors or"
                    + " model.onnx, and tokenizer.json) nor a training run folder (" + MODEL + "/ or " + ONNX + "/ inside)");
        }
        return true;
    }

    /** The checkpoint with the highest step in a run folder, if any. */
    public static Optional<Path> newestCheckpoint(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isDirectory)
                    .filter(child -> CHECKPOINT.matcher(child.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(RunFolder::step));
        } catch (IOException e) {
            throw new RetrievalsException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static long step(Path checkpoint) {
        Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
