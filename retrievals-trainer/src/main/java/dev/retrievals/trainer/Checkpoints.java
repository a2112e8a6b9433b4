package dev.retrievals.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.io.AtomicFolder;
import dev.retrievals.core.ndarray.InPlaceCopy;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint folders {@code checkpoint-<step>} in the output directory. Each holds the model
 * ({@code model/}, loadable on its own), the optimizer moments, the loss's state and
 * {@code trainer_state.json}. A checkpoint is written under a hidden temporary name and renamed
 * into place when complete ({@link AtomicFolder}), so a folder named {@code checkpoint-<step>} is
 * always whole; a torn write leaves only a hidden {@code .partial} folder, which resume ignores.
 */
public final class Checkpoints {
    /** File of the trainer's state inside a checkpoint. */
    public static final String STATE_FILE = "trainer_state.json";
    static final String MODEL_FOLDER = "model";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String LOSS_FILE = "loss.safetensors";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues().create();

    private Checkpoints() {}

    /** The folder a checkpoint of {@code step} gets. */
    public static Path folder(Path outputDir, long step) {
        return outputDir.resolve("checkpoint-" + step);
    }

    /** Complete checkpoints in {@code outputDir}, oldest (lowest step) first. */
    public static List<Path> list(Path outputDir) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir)) {
            for (Path entry : entries) {
                if (NAME.matcher(entry.getFileName().toString()).matches() && Files.isRegularFile(entry.resolve(STATE_FILE))) {
                    found.add(entry);
                }
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot list checkpoints in " + outputDir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingLong(Checkpoints::step));
        return found;
    }

    /** The newest complete checkpoint, if any. */
    public static Optional<Path> latest(Path outputDir) {
        List<Path> all = list(outputDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static long step(Path checkpoint) {
        Matcher matcher = NAME.matcher(checkpoint.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Writes a checkpoint folder {@code checkpoint-<step>} atomically (see {@link AtomicFolder}). */
    static Path write(Path outputDir, long step, AtomicFolder.Contents contents) {
        Path target = folder(outputDir, step);
        AtomicFolder.write(target, contents);
        return target;
    }

    /** Deletes all but the newest {@code keep} checkpoints, never the one named {@code protectedCheckpoint}. */
    static void prune(Path outputDir, int keep, String protectedCheckpoint) {
        if (keep <= 0) {
            return;
        }
        List<Path> all = list(outputDir);
        int excess = all.size() - keep;
        for (Path checkpoint : all) {
            if (excess <= 0) {
                break;
            }
            if (checkpoint.getFileName().toString().equals(protectedCheckpoint)) {
                continue;
            }
            AtomicFolder.deleteQuietly(checkpoint);
            excess--;
        }
    }

    /** Writes arrays as a safetensors file. */
    static void writeArrays(Path file, Map<String, NDArray> arrays) {
        SafetensorsFile.fromNDArrays(arrays).write(file);
    }

    /** Reads a safetensors file of a checkpoint into {@code manager}. */
    static Map<String, NDArray> readArrays(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new RetrievalsException("Checkpoint file " + file + " is missing");
        }
        return SafetensorsFile.read(file).toNDArrays(manager);
    }

    /** Writes JSON. */
    static void writeJson(Path file, Object value) throws IOException {
        Files.writeString(file, GSON.toJson(value) + "\n", StandardCharsets.UTF_8);
    }

    /** Reads a checkpoint's {@code trainer_state.json}. */
    static JsonObject readState(Path checkpoint) {
        Path file = checkpoint.resolve(STATE_FILE);
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new RetrievalsException("Cannot read " + file + " (expected the JSON state of a complete checkpoint): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Copies values into existing arrays by name (the arrays keep their identity, so an optimizer
     * holding them keeps working).
     *
     * @throws RetrievalsException naming the array that is missing or misshapen in {@code source}
     */
    static void copyInto(Map<String, NDArray> targets, Map<String, NDArray> values, String source) {
        for (Map.Entry<String, NDArray> entry : targets.entrySet()) {
            NDArray value = values.get(entry.getKey());
            NDArray target = entry.getValue();
            if (value == null) {
                throw new RetrievalsException(source + ": '" + entry.getKey() + "' is missing; expected shape " + target.getShape());
            }
            InPlaceCopy.copy(value, target, source + ": '" + entry.getKey() + "'");
        }
    }
}
