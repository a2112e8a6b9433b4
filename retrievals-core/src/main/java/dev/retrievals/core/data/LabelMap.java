package dev.retrievals.core.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Class labels to class ids {@code 0..n-1} and back, for point-wise training. Saved as JSON in the
 * {@code id2label} form of a Hugging Face {@code config.json}, so a trained model keeps the
 * meaning of its classes. Immutable.
 */
public final class LabelMap {
    private final List<String> labels;
    private final Map<String, Integer> ids;

    private LabelMap(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.labels.size(); i++) {
            if (ids.put(this.labels.get(i), i) != null) {
                throw new IllegalArgumentException("Label '" + this.labels.get(i) + "' appears twice in " + labels);
            }
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("A label map needs at least one label");
        }
    }

    /** A map whose ids are the positions of the labels in the list. */
    public static LabelMap of(List<String> labels) {
        return new LabelMap(labels);
    }

    /**
     * The distinct labels of a column, sorted (so the ids do not depend on row order). Integer
     * labels become their decimal text; a missing or bad label fails like {@link ColumnType#LABEL}.
     */
    public static LabelMap fromDataset(Dataset dataset, String labelColumn) {
        TreeSet<String> distinct = new TreeSet<>();
        try (RowIterator rows = dataset.iterator()) {
            while (rows.hasNext()) {
                SourcedRow row = rows.nextSourced();
                distinct.add((String) ColumnType.LABEL.read(row.values(), labelColumn, row.location()));
            }
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("Dataset " + dataset.name() + " has no rows to take labels from");
        }
        return new LabelMap(List.copyOf(distinct));
    }

    /** The number of classes. */
    public int size() {
        return labels.size();
    }

    /** The labels in id order. */
    public List<String> labels() {
        return labels;
    }

    /** The label of a class id. */
    public String label(int id) {
        if (id < 0 || id >= labels.size()) {
            throw new IndexOutOfBoundsException("Class id " + id + " is outside [0, " + labels.size() + ")");
        }
        return labels.get(id);
    }

    /**
     * The class id of a label.
     *
     * @param location where the label was read, for the message
     * @throws DataException if the label is unknown, naming it and the known labels
     */
    public int id(String label, String location) {
        Integer id = ids.get(label);
        if (id == null) {
            throw new DataException(location, DataProblem.WRONG_TYPE, "label '" + label + "' is not in the label map of "
                    + labels.size() + " labels: " + Snippets.shorten(labels.toString()));
        }
        return id;
    }

    /** Writes {@code {"id2label": {"0": "…", …}}}. */
    public void save(Path file) {
        JsonObject id2label = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(String.valueOf(i), labels.get(i));
        }
        JsonObject root = new JsonObject();
        root.add("id2label", id2label);
        try {
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write label map " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a file written by {@link #save}; ids must be 0..n-1 each once. */
    public static LabelMap load(Path file) {
        String[] labels;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!root.isJsonObject() || !root.getAsJsonObject().has("id2label") || !root.getAsJsonObject().get("id2label").isJsonObject()) {
                throw new RetrievalsException("Label map " + file + " has no \"id2label\" object; expected {\"id2label\": {\"0\": \"label\", …}}");
            }
            JsonObject id2label = root.getAsJsonObject().getAsJsonObject("id2label");
            labels = new String[id2label.size()];
            for (Map.Entry<String, JsonElement> entry : id2label.entrySet()) {
                int id = parseId(entry.getKey(), labels.length, file);
                if (labels[id] != null) {
                    throw new RetrievalsException("Label map " + file + " gives id " + id + " twice");
                }
                labels[id] = entry.getValue().getAsString();
            }
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new RetrievalsException("Cannot read label map " + file + ": " + e.getMessage(), e);
        }
        return new LabelMap(List.of(labels));
    }

    private static int parseId(String key, int size, Path file) {
        try {
            int id = Integer.parseInt(key);
            if (id >= 0 && id < size) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RetrievalsException("Label map " + file + " has id '" + key + "'; expected the integers 0.." + (size - 1));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelMap map && map.labels.equals(labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return "LabelMap" + labels;
    }
}
