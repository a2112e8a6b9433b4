package dev.retrievals.cli.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code retrievals train} records in a run folder beside {@code metrics.jsonl} for the
 * report: the run's configuration ({@value #CONFIGURATION}, written before the first step, so a
 * stopped run has it) and the evaluation before and after training ({@value #EVALUATION}). Both
 * are written atomically (a temporary file moved into place).
 */
public final class RunRecord {
    /** The configuration file in a run folder. */
    public static final String CONFIGURATION = "run.json";
    /** The before/after evaluation file in a run folder. */
    public static final String EVALUATION = "evaluation.json";
    /** The metrics of the model before training, in {@value #EVALUATION}. */
    public static final String BEFORE = "before";
    /** The metrics of the trained model, in {@value #EVALUATION}. */
    public static final String AFTER = "after";
    /** The metrics of the trained model averaged with its base ({@code --merge-ratio}), in {@value #EVALUATION}. */
    public static final String MERGED = "merged";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().serializeSpecialFloatingPointValues()
            .create();

    private RunRecord() {}

    /** Writes the run's configuration. */
    public static void writeConfiguration(Path runFolder, Map<String, Object> configuration) {
        write(runFolder.resolve(CONFIGURATION), configuration);
    }

    /** Writes the metrics before and after training. */
    public static void writeEvaluation(Path runFolder, Map<String, Double> before, Map<String, Double> after) {
        Map<String, Map<String, Double>> json = new LinkedHashMap<>();
        json.put(BEFORE, before);
        json.put(AFTER, after);
        writeEvaluation(runFolder, json);
    }

    /** Writes {@code evaluation.json}: metrics by moment ({@value #BEFORE}, {@value #AFTER} and, with merging, {@value #MERGED}). */
    public static void writeEvaluation(Path runFolder, Map<String, Map<String, Double>> evaluations) {
        write(runFolder.resolve(EVALUATION), evaluations);
    }

    /** The run's configuration, or an empty map when it was not recorded. */
    public static Map<String, Object> configuration(Path runFolder) {
        Map<String, Object> json = read(runFolder.resolve(CONFIGURATION), new TypeToken<Map<String, Object>>() {});
        return json == null ? Map.of() : json;
    }

    /** The metrics before ({@code before}) and after ({@code after}) training, or an empty map when not recorded. */
    public static Map<String, Map<String, Double>> evaluation(Path runFolder) {
        Map<String, Map<String, Double>> json = read(runFolder.resolve(EVALUATION), new TypeToken<Map<String, Map<String, Double>>>() {});
        return json == null ? Map.of() : json;
    }

    private static <T> T read(Path file, TypeToken<T> type) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type.getType());
        } catch (IOException | JsonParseException e) {
            throw new RetrievalsException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Object json) {
        try {
            AtomicFiles.write(file, (GSON.toJson(json) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
