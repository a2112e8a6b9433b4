package dev.retrievals.index.mining;

import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.RowIterator;
import dev.retrievals.index.beir.BeirQrels;
import dev.retrievals.index.store.CorpusDocument;
import dev.retrievals.index.store.CorpusSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * What to mine negatives for: a pairs file ({@code query}/{@code positive} columns, or others
 * named with {@link #columns}; rows with the same query are one query with several positives),
 * whose corpus is every distinct positive plus, optionally, the documents of a corpus file; or a
 * BEIR folder (its queries judged in {@code qrels/<split>.tsv}, positives the documents graded above
 * 0, the corpus its {@code corpus.jsonl}). In a pairs file positives are known by their text; in a
 * BEIR folder by their document id.
 */
public final class MiningInput {
    private final Path pairs;
    private final Path beir;
    private final String split;
    private String queryColumn = "query";
    private String positiveColumn = "positive";
    private Path corpus;
    private boolean includeTitle = true;

    private MiningInput(Path pairs, Path beir, String split) {
        this.pairs = pairs;
        this.beir = beir;
        this.split = split;
    }

    /** A pairs file (JSONL, JSON, CSV or TSV) with columns {@code query} and {@code positive}. */
    public static MiningInput pairs(Path file) {
        return new MiningInput(Objects.requireNonNull(file, "file"), null, null);
    }

    /** A BEIR folder and the split whose qrels give the queries and their positives. */
    public static MiningInput beir(Path folder, String split) {
        return new MiningInput(null, Objects.requireNonNull(folder, "folder"), Objects.requireNonNull(split, "split"));
    }

    /** The columns of the query and the positive in a pairs file (default {@code query}, {@code positive}). */
    public MiningInput columns(String query, String positive) {
        this.queryColumn = Objects.requireNonNull(query, "query");
        this.positiveColumn = Objects.requireNonNull(positive, "positive");
        return this;
    }

    /**
     * For a pairs file: a JSON Lines corpus ({@code text}, optional {@code id} and {@code title})
     * whose documents are candidates besides the positives.
     */
    public MiningInput corpus(Path file) {
        if (beir != null) {
            throw new IllegalArgumentException("A BEIR folder brings its own corpus; --corpus goes with a pairs file");
        }
        this.corpus = Objects.requireNonNull(file, "file");
        return this;
    }

    /** For a BEIR folder: whether a document's title precedes its text (default true, as BEIR does). */
    public MiningInput includeTitle(boolean value) {
        this.includeTitle = value;
        return this;
    }

    /** A description for messages. */
    String name() {
        return beir != null ? beir + " split " + split : pairs.toString();
    }

    /**
     * The queries, their positives' keys (ids or texts) and the corpus to search.
     *
     * @throws IllegalArgumentException or a data error naming the file and line for bad input
     */
    Prepared prepare() {
        return beir != null ? prepareBeir() : preparePairs();
    }

    private Prepared prepareBeir() {
        if (!Files.isDirectory(beir)) {
            throw new IllegalArgumentException("BEIR folder " + beir + " does not exist");
        }
        BeirQrels qrels = BeirQrels.read(beir, split, 0);
        List<String> queries = new ArrayList<>();
        List<List<String>> positives = new ArrayList<>();
        long withoutPositive = 0;
        for (Map.Entry<String, Map<String, Integer>> entry : qrels.judgments().entrySet()) {
            List<String> relevant = entry.getValue().entrySet().stream().filter(judged -> judged.getValue() > 0).map(Map.Entry::getKey)
                    .toList();
            if (relevant.isEmpty()) {
                withoutPositive++;
                continue;
            }
            queries.add(qrels.queryTexts().get(entry.getKey()));
            positives.add(relevant);
        }
        long unjudged = BeirQrels.countQueries(beir) - qrels.judgments().size();
        CorpusSource corpusSource = CorpusSource.beir(beir, includeTitle);
        requireJudgedDocuments(corpusSource, queries, positives, qrels.file());
        return new Prepared(queries, positives, corpusSource, Math.max(0, unjudged), withoutPositive,
                qrels.file().toString(), true);
    }

    /**
     * One pass over the corpus's ids, before anything is encoded: fails naming the qrels file, the
     * query and the document when a positive is missing, or the corpus file when it is empty.
     */
    private static void requireJudgedDocuments(CorpusSource corpus, List<String> queries, List<List<String>> positives, Path qrels) {
        Set<String> wanted = new HashSet<>();
        positives.forEach(wanted::addAll);
        Set<String> found = new HashSet<>();
        long documents = 0;
        try (CorpusSource.Documents pass = corpus.open()) {
            while (pass.hasNext()) {
                String id = pass.next().id();
                documents++;
                if (wanted.contains(id)) {
                    found.add(id);
                }
            }
        }
        if (documents == 0) {
            throw new IllegalArgumentException(corpus.name() + " has no documents; expected at least one");
        }
        for (int q = 0; q < queries.size(); q++) {
            for (String id : positives.get(q)) {
                if (!found.contains(id)) {
                    throw new IllegalArgumentException(qrels + " names corpus-id '" + id + "' for query '" + shorten(queries.get(q))
                            + "', but " + corpus.name() + " has no such document");
                }
            }
        }
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private Prepared preparePairs() {
        if (!Files.isRegularFile(pairs)) {
            throw new IllegalArgumentException("Pairs file " + pairs + " does not exist");
        }
        PairGroups groups = new PairGroups();
        Dataset rows = Dataset.fromFile(pairs).validate(columns());
        try (RowIterator iterator = rows.iterator()) {
            while (iterator.hasNext()) {
                Map<String, Object> row = iterator.next();
                groups.add((String) row.get(queryColumn), (String) row.get(positiveColumn));
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("Pairs file " + pairs + " has no rows; expected columns '" + queryColumn + "' and '"
                    + positiveColumn + "'");
        }
        List<String> queries = groups.queries();
        List<List<String>> positives = groups.positives();
        List<CorpusDocument> positiveDocuments = new ArrayList<>();
        int number = 0;
        for (String text : groups.distinctPositives()) {
            positiveDocuments.add(new CorpusDocument("positive-" + ++number, text));
        }
        CorpusSource positiveSource = CorpusSource.of(positiveDocuments);
        CorpusSource source = corpus == null ? positiveSource : concat(CorpusSource.jsonl(corpus, false, includeTitle), positiveSource);
        return new Prepared(queries, positives, source, 0, 0, pairs.toString(), false);
    }

    private Map<String, ColumnType> columns() {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        types.put(queryColumn, ColumnType.TEXT);
        types.put(positiveColumn, ColumnType.TEXT);
        return types;
    }

    private static CorpusSource concat(CorpusSource first, CorpusSource second) {
        return new CorpusSource() {
            @Override
            public Documents open() {
                Documents head = first.open();
                Documents tail = second.open();
                return new Documents() {
                    @Override
                    public boolean hasNext() {
                        return head.hasNext() || tail.hasNext();
                    }

                    @Override
                    public CorpusDocument next() {
                        if (head.hasNext()) {
                            return head.next();
                        }
                        if (tail.hasNext()) {
                            return tail.next();
                        }
                        throw new NoSuchElementException();
                    }

                    @Override
                    public void close() {
                        head.close();
                        tail.close();
                    }
                };
            }

            @Override
            public String name() {
                return first.name() + " and the positives";
            }
        };
    }

    /**
     * The input resolved: query texts, the keys of each query's positives, the corpus, and counts of
     * the queries left out.
     */
    record Prepared(List<String> queries, List<List<String>> positives, CorpusSource corpus, long queriesWithoutQrels,
            long queriesWithoutPositive, String positivesFile, boolean positivesById) {
    }
}
