package dev.retrievals.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small BEIR folder cut from SciFact for command-line tests: the first {@code queries} queries of
 * the train split (in qrels order) with their judgments as {@code qrels/train.tsv}, and a corpus
 * of their judged abstracts plus the first other abstracts of the file, {@code documents} in all.
 */
final class SciFactSlice {
    /** The judged document ids of each query, in qrels order. */
    final Map<String, List<String>> judgments;
    /** Query id to text. */
    final Map<String, String> queries;
    /** Document id to text (title and abstract, as in the corpus file). */
    final Map<String, JsonObject> documents;
    final Path folder;

    private SciFactSlice(Path folder, Map<String, List<String>> judgments, Map<String, String> queries, Map<String, JsonObject> documents) {
        this.folder = folder;
        this.judgments = judgments;
        this.queries = queries;
        this.documents = documents;
    }

    /** Writes the slice into {@code folder}. */
    static SciFactSlice write(Path folder, int queryCount, int documentCount) throws IOException {
        Path scifact = SharedData.resolve("scifact");
        Map<String, List<String>> judgments = new LinkedHashMap<>();
        List<String> qrels = Files.readAllLines(scifact.resolve("qrels/train.tsv"), StandardCharsets.UTF_8);
        List<String> keptQrels = new ArrayList<>(List.of(qrels.get(0)));
        for (String line : qrels.subList(1, qrels.size())) {
            String[] parts = line.split("\t");
            if (!judgments.containsKey(parts[0]) && judgments.size() == queryCount) {
                continue;
            }
            judgments.computeIfAbsent(parts[0], id -> new ArrayList<>()).add(parts[1]);
            keptQrels.add(line);
        }
        Set<String> judged = new LinkedHashSet<>();
        judgments.values().forEach(judged::addAll);
        Map<String, JsonObject> documents = new LinkedHashMap<>();
        List<String> corpusLines = new ArrayList<>();
        for (String line : Files.readAllLines(scifact.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            String id = row.get("id").getAsString();
            if (judged.contains(id) || documents.size() + countMissing(judged, documents) < documentCount) {
                documents.put(id, row);
                corpusLines.add(line);
            }
        }
        Map<String, String> queries = new LinkedHashMap<>();
        List<String> queryLines = new ArrayList<>();
        for (String line : Files.readAllLines(scifact.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            if (judgments.containsKey(row.get("id").getAsString())) {
                queries.put(row.get("id").getAsString(), row.get("text").getAsString());
                queryLines.add(line);
            }
        }
        Files.createDirectories(folder.resolve("qrels"));
        Files.write(folder.resolve("corpus.jsonl"), corpusLines, StandardCharsets.UTF_8);
        Files.write(folder.resolve("queries.jsonl"), queryLines, StandardCharsets.UTF_8);
        Files.write(folder.resolve("qrels/train.tsv"), keptQrels, StandardCharsets.UTF_8);
        return new SciFactSlice(folder, judgments, queries, documents);
    }

    /** Judged documents not yet taken: room is kept for them so the corpus ends at the size asked for. */
    private static int countMissing(Set<String> judged, Map<String, JsonObject> taken) {
        int missing = 0;
        for (String id : judged) {
            if (!taken.containsKey(id)) {
                missing++;
            }
        }
        return missing;
    }

    /** A document's text as the miner and the evaluator see it: title, a space, the abstract. */
    String documentText(String id) {
        JsonObject row = documents.get(id);
        String title = row.has("title") ? row.get("title").getAsString() : "";
        String text = row.get("text").getAsString();
        return (title.isBlank() ? text : title + " " + text).strip();
    }
}
