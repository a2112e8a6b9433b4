package dev.retrievals.trainer.eval;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retrieval dataset in BEIR's layout, read into memory: {@code corpus.jsonl} ({@code id} or
 * BEIR's {@code _id}, optional {@code title}, {@code text}), {@code queries.jsonl} ({@code id} or
 * {@code _id}, {@code text}) and {@code qrels/<split>.tsv} (header {@code query-id corpus-id
 * score}, integer relevance grades).
 *
 * <p>The evaluated queries are those the split judges, in the order of their first judgment. A
 * document's text is its title and text joined by a space, as BEIR's sentence-transformers model
 * wrapper does.
 */
final class BeirFolder {
    private static final Logger LOG = LoggerFactory.getLogger(BeirFolder.class);
    private static final String ID = "id";

    final List<String> queryIds = new ArrayList<>();
    final List<String> queryTexts = new ArrayList<>();
    final List<Map<String, Integer>> judgments = new ArrayList<>();
    final List<String> documentIds = new ArrayList<>();
    final List<String> documentTexts = new ArrayList<>();

    /**
     * Reads the folder.
     *
     * @param folder the BEIR folder
     * @param split the qrels file name without {@code .tsv}
     * @param maxQueries the first this many judged queries (0: all)
     * @param maxCorpusSize at most this many documents, but always every document judged for the
     *     evaluated queries; the rest are the first others in file order (0: the whole corpus)
     * @param includeTitle whether a document's title precedes its text
     */
    BeirFolder(Path folder, String split, int maxQueries, int maxCorpusSize, boolean includeTitle) {
        Map<String, Map<String, Integer>> qrels = readQrels(qrelsFile(folder, split), maxQueries);
        readQueries(folder.resolve("queries.jsonl"), qrels);
        readCorpus(folder.resolve("corpus.jsonl"), qrels, maxCorpusSize, includeTitle);
    }

    private static Path qrelsFile(Path folder, String split) {
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

    /** Query id to (document id to relevance), in file order. */
    private static Map<String, Map<String, Integer>> readQrels(Path file, int maxQueries) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        types.put("query-id", ColumnType.LABEL);
        types.put("corpus-id", ColumnType.LABEL);
        types.put("score", ColumnType.NUMBER);
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        Dataset rows = Dataset.fromTsv(file).validate(types).map(row -> {
            double score = ((Number) row.get("score")).doubleValue();
            if (score != Math.rint(score)) {
                throw new IllegalArgumentException("column 'score' is " + score + "; expected an integer relevance grade");
            }
            String query = (String) row.get("query-id");
            String document = (String) row.get("corpus-id");
            Map<String, Integer> judged = qrels.get(query);
            if (judged != null && judged.containsKey(document)) {
                throw new IllegalArgumentException("query-id '" + query + "' judges corpus-id '" + document + "' twice");
            }
            return row;
        });
        for (Map<String, Object> row : rows) {
            String query = (String) row.get("query-id");
            if (!qrels.containsKey(query) && maxQueries > 0 && qrels.size() == maxQueries) {
                continue;
            }
            qrels.computeIfAbsent(query, id -> new LinkedHashMap<>())
                    .put((String) row.get("corpus-id"), (int) ((Number) row.get("score")).doubleValue());
        }
        if (qrels.isEmpty()) {
            throw new IllegalArgumentException(file + " judges no queries");
        }
        return qrels;
    }

    private void readQueries(Path file, Map<String, Map<String, Integer>> qrels) {
        Map<String, String> texts = new HashMap<>();
        for (Map<String, Object> row : withId(file).validate(Map.of(ID, ColumnType.LABEL, "text", ColumnType.TEXT))) {
            String id = (String) row.get(ID);
            if (qrels.containsKey(id) && texts.put(id, (String) row.get("text")) != null) {
                throw new IllegalArgumentException(file + ": query id '" + id + "' appears twice");
            }
        }
        qrels.forEach((id, judged) -> {
            String text = texts.get(id);
            if (text == null) {
                throw new IllegalArgumentException("query-id '" + id + "' is judged in the qrels but not in " + file);
            }
            queryIds.add(id);
            queryTexts.add(text);
            judgments.add(Map.copyOf(judged));
        });
    }

    private void readCorpus(Path file, Map<String, Map<String, Integer>> qrels, int maxCorpusSize, boolean includeTitle) {
        Set<String> judged = new HashSet<>();
        qrels.values().forEach(documents -> judged.addAll(documents.keySet()));
        long othersAllowed = maxCorpusSize == 0 ? Long.MAX_VALUE : Math.max(0, maxCorpusSize - judged.size());
        long others = 0;
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> row : withId(file).validate(Map.of(ID, ColumnType.LABEL, "text", ColumnType.TEXT))) {
            String id = (String) row.get(ID);
            if (!seen.add(id)) {
                throw new IllegalArgumentException(file + ": corpus id '" + id + "' appears twice");
            }
            if (!judged.contains(id)) {
                if (others == othersAllowed) {
                    continue;
                }
                others++;
            }
            documentIds.add(id);
            documentTexts.add(documentText(row, includeTitle));
        }
        judged.removeAll(seen);
        if (!judged.isEmpty()) {
            LOG.warn("{} judged documents of the evaluated queries are not in {} (for example '{}'); they count as relevant "
                    + "but can never be retrieved, as in trec_eval", judged.size(), file, judged.iterator().next());
        }
        if (documentIds.isEmpty()) {
            throw new IllegalArgumentException(file + " has no documents");
        }
    }

    private static String documentText(Map<String, Object> row, boolean includeTitle) {
        String text = (String) row.get("text");
        Object title = row.get("title");
        if (includeTitle && title instanceof String titleText && !titleText.isBlank()) {
            return (titleText + " " + text).strip();
        }
        return text.strip();
    }

    /** Rows of a BEIR JSON Lines file with BEIR's {@code _id} read as {@code id}. */
    private static Dataset withId(Path file) {
        return Dataset.fromJsonl(file).map(row -> {
            if (row.containsKey(ID) || !row.containsKey("_id")) {
                return row;
            }
            Map<String, Object> renamed = new LinkedHashMap<>(row);
            renamed.put(ID, renamed.remove("_id"));
            return renamed;
        });
    }
}
