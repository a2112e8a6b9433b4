package dev.retrievals.index.beir;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The judgments and queries of a BEIR folder: {@code qrels/<split>.tsv} (header {@code query-id
 * corpus-id score}, integer relevance grades) and {@code queries.jsonl} ({@code id} or BEIR's
 * {@code _id}, {@code text}). Queries come in the order of their first judgment.
 *
 * @param file the qrels file read
 * @param judgments query id to (document id to grade), in file order
 * @param queryTexts query id to text, for the judged queries
 */
public record BeirQrels(Path file, Map<String, Map<String, Integer>> judgments, Map<String, String> queryTexts) {

    /** Copies the maps, unmodifiable, keeping their order. */
    public BeirQrels {
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgments.forEach((query, judged) -> copy.put(query, Collections.unmodifiableMap(new LinkedHashMap<>(judged))));
        judgments = Collections.unmodifiableMap(copy);
        queryTexts = Collections.unmodifiableMap(new LinkedHashMap<>(queryTexts));
    }

    /**
     * Reads the judgments of a split and the texts of the queries it judges.
     *
     * @param folder the BEIR folder
     * @param split the qrels file name without {@code .tsv}
     * @param maxQueries the first this many judged queries (0: all)
     * @throws IllegalArgumentException naming the file (and line) for a missing split, a bad grade,
     *     a repeated judgment, a query judged but absent from {@code queries.jsonl}
     */
    public static BeirQrels read(Path folder, String split, int maxQueries) {
        Path file = qrelsFile(folder, split);
        Map<String, Map<String, Integer>> judgments = readJudgments(file, maxQueries);
        Path queries = folder.resolve("queries.jsonl");
        Map<String, String> texts = new HashMap<>();
        for (Map<String, Object> row : withId(queries).validate(Map.of("id", ColumnType.LABEL, "text", ColumnType.TEXT))) {
            String id = (String) row.get("id");
            if (judgments.containsKey(id) && texts.put(id, (String) row.get("text")) != null) {
                throw new IllegalArgumentException(queries + ": query id '" + id + "' appears twice");
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String id : judgments.keySet()) {
            String text = texts.get(id);
            if (text == null) {
                throw new IllegalArgumentException("query-id '" + id + "' is judged in the qrels but not in " + queries + " (qrels " + file + ")");
            }
            ordered.put(id, text);
        }
        return new BeirQrels(file, judgments, ordered);
    }

    /** The qrels file of a split; a missing one fails listing the splits present. */
    public static Path qrelsFile(Path folder, String split) {
        Path file = folder.resolve("qrels").resolve(split + ".tsv");
        if (Files.isRegularFile(file)) {
            return file;
        }
        List<String> splits = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder.resolve("qrels"))) {
            files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".tsv"))
                    .map(name -> name.substring(0, name.length() - 4)).sorted().forEach(splits::add);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("No qrels folder in " + folder + "; expected a BEIR folder with corpus.jsonl, "
                    + "queries.jsonl and qrels/" + split + ".tsv", e);
        }
        throw new IllegalArgumentException("No qrels for split '" + split + "': " + file + " does not exist; splits present: " + splits);
    }

    /** The ids of every query in {@code queries.jsonl}, counted (for reporting the queries a split does not judge). */
    public static long countQueries(Path folder) {
        try (Stream<Map<String, Object>> rows = Dataset.fromJsonl(folder.resolve("queries.jsonl")).stream()) {
            return rows.count();
        }
    }

    private static Map<String, Map<String, Integer>> readJudgments(Path file, int maxQueries) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        types.put("query-id", ColumnType.LABEL);
        types.put("corpus-id", ColumnType.LABEL);
        types.put("score", ColumnType.NUMBER);
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        Dataset rows = Dataset.fromTsv(file).validate(types).map(row -> {
            double score = ((Number) row.get("score")).doubleValue();
            if (score != Math.rint(score)) {
                throw new IllegalArgumentException("column 'score' is " + score + "; expected an integer relevance grade");
            }
            Map<String, Integer> judged = judgments.get((String) row.get("query-id"));
            if (judged != null && judged.containsKey((String) row.get("corpus-id"))) {
                throw new IllegalArgumentException("query-id '" + row.get("query-id") + "' judges corpus-id '" + row.get("corpus-id")
                        + "' twice");
            }
            return row;
        });
        for (Map<String, Object> row : rows) {
            String query = (String) row.get("query-id");
            if (!judgments.containsKey(query) && maxQueries > 0 && judgments.size() == maxQueries) {
                continue;
            }
            judgments.computeIfAbsent(query, id -> new LinkedHashMap<>())
                    .put((String) row.get("corpus-id"), (int) ((Number) row.get("score")).doubleValue());
        }
        if (judgments.isEmpty()) {
            throw new IllegalArgumentException(file + " judges no queries");
        }
        return judgments;
    }

    /** Rows of a BEIR JSON Lines file with BEIR's {@code _id} read as {@code id}. */
    private static Dataset withId(Path file) {
        return Dataset.fromJsonl(file).map(row -> {
            if (row.containsKey("id") || !row.containsKey("_id")) {
                return row;
            }
            Map<String, Object> renamed = new LinkedHashMap<>(row);
            renamed.put("id", renamed.remove("_id"));
            return renamed;
        });
    }
}
