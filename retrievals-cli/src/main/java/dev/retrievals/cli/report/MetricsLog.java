package dev.retrievals.cli.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A run's {@code metrics.jsonl} as series over steps: one JSON object a line with {@code step}
 * and numbers (training lines: {@code loss}, {@code learning_rate}, {@code grad_norm},
 * {@code tokens_per_second}; evaluation lines: {@code eval_*} metrics). A step logged twice (a
 * resumed run logs again the steps after its checkpoint) keeps its last value; a last line cut
 * off by a killed run is left out; a bad line elsewhere is an error naming the file and line.
 */
public final class MetricsLog {
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");
    private final Path file;
    private final Map<String, NavigableMap<Long, Double>> series;

    private MetricsLog(Path file, Map<String, NavigableMap<Long, Double>> series) {
        this.file = file;
        this.series = series;
    }

    /** Reads a metrics file. */
    public static MetricsLog read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the metrics log " + file + ": " + e.getMessage(), e);
        }
        Map<String, NavigableMap<Long, Double>> series = new java.util.LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonObject entry;
            try {
                JsonElement parsed = JsonParser.parseString(line);
                if (!parsed.isJsonObject()) {
                    throw new JsonParseException("expected a JSON object");
                }
                entry = parsed.getAsJsonObject();
            } catch (JsonParseException e) {
                if (i == lines.size() - 1) {
                    break; // the line a killed run was writing
                }
                throw new RetrievalsException(file + " line " + (i + 1) + " is not a JSON object: " + e.getMessage(), e);
            }
            if (!entry.has("step") || !isNumber(entry.get("step"))) {
                throw new RetrievalsException(file + " line " + (i + 1) + " has no number 'step'");
            }
            long step = entry.get("step").getAsLong();
            for (Map.Entry<String, JsonElement> field : entry.entrySet()) {
                if (field.getKey().equals("step") || field.getKey().equals("epoch") || !isNumber(field.getValue())) {
                    continue;
                }
                series.computeIfAbsent(field.getKey(), k -> new TreeMap<>()).put(step, field.getValue().getAsDouble());
            }
        }
        return new MetricsLog(file, series);
    }

    /** A number, or NaN / Infinity as the trainer writes them for a non-finite loss (Gson reads those as bare words). */
    private static boolean isNumber(JsonElement element) {
        if (!element.isJsonPrimitive()) {
            return false;
        }
        return element.getAsJsonPrimitive().isNumber() || NON_FINITE.contains(element.getAsString());
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The logged quantities, in the order they first appear. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(series.keySet()));
    }

    /** The evaluation metrics ({@code eval_*}), in the order they first appear. */
    public List<String> evaluationKeys() {
        List<String> keys = new ArrayList<>();
        for (String key : series.keySet()) {
            if (key.startsWith("eval_")) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Step → value of one quantity, finite values only (empty when it was never logged). */
    public NavigableMap<Long, Double> series(String key) {
        NavigableMap<Long, Double> finite = new TreeMap<>();
        series.getOrDefault(key, new TreeMap<>()).forEach((step, value) -> {
            if (Double.isFinite(value)) {
                finite.put(step, value);
            }
        });
        return Collections.unmodifiableNavigableMap(finite);
    }

    /** The highest step logged, or 0 for an empty log. */
    public long lastStep() {
        return series.values().stream().filter(s -> !s.isEmpty()).mapToLong(NavigableMap::lastKey).max().orElse(0);
    }
}
