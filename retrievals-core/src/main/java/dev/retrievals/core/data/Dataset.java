package dev.retrievals.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Rows of named columns (a row is an unmodifiable map from column name to a String, Long, Double,
 * Boolean, List, Map or null), with the operations of Hugging Face {@code datasets}.
 *
 * <p>Reading is lazy: a file is read one row at a time on each pass, so a 1 GB JSONL file does
 * not need 1 GB of heap to iterate, and {@link #renameColumn}, {@link #selectColumns},
 * {@link #removeColumns}, {@link #filter}, {@link #map}, {@link #validate} and {@link #take}
 * only add a step to each pass. {@link #shuffle} and {@link #trainTestSplit} read every row into
 * memory (as {@link #toList}), and return in-memory datasets.
 *
 * <p>Bad input never passes silently. By default ({@link BadRowPolicy#FAIL}) the first bad row
 * throws a {@link DataException} naming the file, line and problem, with a snippet; under
 * {@link BadRowPolicy#SKIP} ({@link #skipBadRows()}) bad rows are skipped, counted by problem, and
 * the counts logged as one warning when the pass ends (see {@link RowIterator#skipReport()}).
 *
 * <p>Datasets are immutable: every operation returns a new one. A pass is not thread-safe.
 */
public final class Dataset implements Iterable<Map<String, Object>> {
    private final String name;
    private final RowSource source;
    private final BadRowPolicy policy;

    private Dataset(String name, RowSource source, BadRowPolicy policy) {
        this.name = name;
        this.source = source;
        this.policy = policy;
    }

    /** A JSON Lines file: one JSON object per line, UTF-8 (a byte-order mark is allowed). */
    public static Dataset fromJsonl(Path file) {
        return new Dataset(file.toString(), new JsonlSource(file.toString(), StreamOpener.of(file)), BadRowPolicy.FAIL);
    }

    /** JSON Lines from a stream the supplier opens afresh for each pass; {@code name} names it in messages. */
    public static Dataset fromJsonl(String name, Callable<? extends InputStream> streams) {
        return new Dataset(name, new JsonlSource(name, StreamOpener.of(name, streams)), BadRowPolicy.FAIL);
    }

    /** A file holding one JSON array of objects, streamed element by element. */
    public static Dataset fromJsonArray(Path file) {
        return new Dataset(file.toString(), new JsonArraySource(file.toString(), StreamOpener.of(file)), BadRowPolicy.FAIL);
    }

    /** A delimited text file in the given format, for example {@code DelimitedFormat.tsv().withoutHeader("s1", "s2", "score")}. */
    public static Dataset fromDelimited(Path file, DelimitedFormat format) {
        return new Dataset(file.toString(), new DelimitedSource(file.toString(), StreamOpener.of(file), format), BadRowPolicy.FAIL);
    }

    /** A comma-separated file with a header line and RFC 4180 quoting. */
    public static Dataset fromCsv(Path file) {
        return fromDelimited(file, DelimitedFormat.csv());
    }

    /** A tab-separated file with a header line and no quoting. */
    public static Dataset fromTsv(Path file) {
        return fromDelimited(file, DelimitedFormat.tsv());
    }

    /**
     * A file read by its extension: {@code .jsonl}; {@code .json} (a JSON array if its first
     * character is {@code [}, else JSON Lines, as Hugging Face's {@code json} loader accepts both);
     * {@code .csv} and {@code .tsv} (both with a header line).
     */
    public static Dataset fromFile(Path file) {
        String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (fileName.endsWith(".jsonl")) {
            return fromJsonl(file);
        } else if (fileName.endsWith(".json")) {
            return startsWithArray(file) ? fromJsonArray(file) : fromJsonl(file);
        } else if (fileName.endsWith(".csv")) {
            return fromCsv(file);
        } else if (fileName.endsWith(".tsv")) {
            return fromTsv(file);
        }
        throw new IllegalArgumentException("Cannot tell the format of " + file
                + "; expected a name ending in .jsonl, .json, .csv or .tsv (or use fromDelimited for other layouts)");
    }

    private static boolean startsWithArray(Path file) {
        try (InputStream in = new BufferedInputStream(StreamOpener.of(file).open())) {
            int c = in.read();
            if (c == 0xEF && in.read() == 0xBB && in.read() == 0xBF) {
                c = in.read();
            }
            while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                c = in.read();
            }
            return c == '[';
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read dataset file " + file + ": " + e.getMessage(), e);
        }
    }

    /** An in-memory dataset of the given rows (copied); messages name rows as {@code rows row n}. */
    public static Dataset fromRows(List<Map<String, Object>> rows) {
        List<SourcedRow> sourced = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            sourced.add(new SourcedRow("rows row " + (i + 1), Collections.unmodifiableMap(new LinkedHashMap<>(rows.get(i)))));
        }
        return inMemory("rows", sourced, BadRowPolicy.FAIL);
    }

    private static Dataset inMemory(String name, List<SourcedRow> rows, BadRowPolicy policy) {
        List<SourcedRow> fixed = List.copyOf(rows);
        return new Dataset(name, badRows -> {
            Iterator<SourcedRow> iterator = fixed.iterator();
            return new Rows() {
                @Override
                public SourcedRow next() {
                    return iterator.hasNext() ? iterator.next() : null;
                }

                @Override
                public void close() {}
            };
        }, policy);
    }

    /** The same rows with bad rows skipped and counted rather than failing the pass. */
    public Dataset skipBadRows() {
        return withBadRowPolicy(BadRowPolicy.SKIP);
    }

    /** The same rows with the given policy for bad rows (for every step of the pass). */
    public Dataset withBadRowPolicy(BadRowPolicy badRowPolicy) {
        return new Dataset(name, source, badRowPolicy);
    }

    /** The name used in messages: the file path, or {@code rows}. */
    public String name() {
        return name;
    }

    /** Starts a lazy pass; close it (or read to the end) to close the file. */
    @Override
    public RowIterator iterator() {
        BadRows badRows = new BadRows(policy, name);
        return new RowIterator(source.open(badRows), badRows);
    }

    /** A lazy stream of the rows; close it (try-with-resources) if you do not read to the end. */
    public Stream<Map<String, Object>> stream() {
        RowIterator rows = iterator();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED), false).onClose(rows::close);
    }

    /** Every row, in memory. */
    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SourcedRow row : readAll()) {
            rows.add(row.values());
        }
        return rows;
    }

    private List<SourcedRow> readAll() {
        List<SourcedRow> rows = new ArrayList<>();
        try (RowIterator pass = iterator()) {
            while (pass.hasNext()) {
                rows.add(pass.nextSourced());
            }
        }
        return rows;
    }

    /** The columns of the first row, in order (reads one row); empty for an empty dataset. */
    public List<String> columnNames() {
        try (RowIterator pass = iterator()) {
            return pass.hasNext() ? List.copyOf(pass.next().keySet()) : List.of();
        }
    }

    /** Renames a column; a row without {@code from}, or that already has {@code to}, is a bad row. */
    public Dataset renameColumn(String from, String to) {
        return step("renameColumn", row -> {
            Map<String, Object> values = row.values();
            if (!values.containsKey(from)) {
                throw ColumnType.missingColumn(from, values, row.location());
            }
            if (!from.equals(to) && values.containsKey(to)) {
                throw new DataException(row.location(), DataProblem.MALFORMED,
                        "cannot rename column '" + from + "' to '" + to + "': the row already has '" + to + "'; columns present: "
                                + values.keySet());
            }
            Map<String, Object> renamed = new LinkedHashMap<>();
            values.forEach((column, value) -> renamed.put(column.equals(from) ? to : column, value));
            return new SourcedRow(row.location(), Collections.unmodifiableMap(renamed));
        });
    }

    /** Keeps only these columns, in this order; a row without one of them is a bad row. */
    public Dataset selectColumns(String... columns) {
        List<String> kept = distinct(columns);
        return step("selectColumns", row -> {
            Map<String, Object> selected = new LinkedHashMap<>();
            for (String column : kept) {
                if (!row.values().containsKey(column)) {
                    throw ColumnType.missingColumn(column, row.values(), row.location());
                }
                selected.put(column, row.values().get(column));
            }
            return new SourcedRow(row.location(), Collections.unmodifiableMap(selected));
        });
    }

    /** Drops these columns; a row without one of them is a bad row (as in Hugging Face). */
    public Dataset removeColumns(String... columns) {
        List<String> removed = distinct(columns);
        return step("removeColumns", row -> {
            Map<String, Object> rest = new LinkedHashMap<>(row.values());
            for (String column : removed) {
                if (!rest.containsKey(column)) {
                    throw ColumnType.missingColumn(column, row.values(), row.location());
                }
                rest.remove(column);
            }
            return new SourcedRow(row.location(), Collections.unmodifiableMap(rest));
        });
    }

    /**
     * Keeps the rows the predicate accepts (rows it rejects are dropped on purpose, not counted). An
     * exception from the predicate fails the pass, naming the row.
     */
    public Dataset filter(Predicate<Map<String, Object>> keep) {
        return step("filter", row -> keep.test(row.values()) ? row : null);
    }

    /**
     * Replaces each row by the function's result. A {@link DataException} it throws makes the row a
     * bad row (skippable); any other exception fails the pass, naming the row.
     */
    public Dataset map(Function<Map<String, Object>, Map<String, Object>> function) {
        return step("map", row -> {
            Map<String, Object> mapped = function.apply(row.values());
            if (mapped == null) {
                throw new IllegalStateException("the function returned null; use filter to drop rows");
            }
            return new SourcedRow(row.location(), Collections.unmodifiableMap(new LinkedHashMap<>(mapped)));
        });
    }

    /**
     * Checks column types on each row (a missing column, wrong type or empty text is a bad row)
     * and normalises values: numeric text becomes a number, an integer label its text, a single
     * text in a TEXT_LIST column a list of one.
     */
    public Dataset validate(Map<String, ColumnType> types) {
        Map<String, ColumnType> checked = new LinkedHashMap<>(types);
        return step("validate", row -> {
            Map<String, Object> values = new LinkedHashMap<>(row.values());
            checked.forEach((column, type) -> values.put(column, type.read(row.values(), column, row.location())));
            return new SourcedRow(row.location(), Collections.unmodifiableMap(values));
        });
    }

    /** The first {@code n} rows (after skipping bad ones); reads no further. */
    public Dataset take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("take(" + n + "): n must be >= 0");
        }
        RowSource upstream = source;
        return new Dataset(name, badRows -> {
            Rows rows = upstream.open(badRows);
            return new Rows() {
                private long taken;

                @Override
                public SourcedRow next() {
                    if (taken >= n) {
                        return null;
                    }
                    SourcedRow row = rows.next();
                    if (row != null) {
                        taken++;
                    }
                    return row;
                }

                @Override
                public void close() {
                    rows.close();
                }
            };
        }, policy);
    }

    /** All rows in memory, shuffled by a generator seeded with {@code seed} (the same seed, the same order). */
    public Dataset shuffle(long seed) {
        List<SourcedRow> rows = readAll();
        Collections.shuffle(rows, new Random(seed));
        return inMemory(name, rows, policy);
    }

    /**
     * Splits the rows, in memory, into shuffled train and test parts, as Hugging Face does: the
     * test part has {@code ceil(testSize * rows)} rows.
     *
     * @param testSize the share of rows held out, in (0, 1)
     * @param seed the shuffle seed
     */
    public DatasetSplit trainTestSplit(double testSize, long seed) {
        if (!(testSize > 0 && testSize < 1)) {
            throw new IllegalArgumentException("test_size is " + testSize + "; allowed: a number in (0, 1)");
        }
        List<SourcedRow> rows = readAll();
        int test = (int) Math.ceil(testSize * rows.size());
        if (test == rows.size() || test == 0) {
            throw new IllegalArgumentException("test_size " + testSize + " of " + rows.size() + " rows of " + name
                    + " leaves " + (test == 0 ? "no test" : "no train") + " rows");
        }
        Collections.shuffle(rows, new Random(seed));
        return new DatasetSplit(inMemory(name + " (train split)", rows.subList(test, rows.size()), policy),
                inMemory(name + " (test split)", rows.subList(0, test), policy));
    }

    private static List<String> distinct(String... columns) {
        Set<String> unique = new LinkedHashSet<>(List.of(columns));
        if (unique.size() != columns.length) {
            throw new IllegalArgumentException("Columns " + List.of(columns) + " name a column twice");
        }
        return List.copyOf(unique);
    }

    /** A row-by-row step: returns the new row, {@code null} to drop it, or throws {@link DataException} for a bad row. */
    private interface Step {
        SourcedRow apply(SourcedRow row);
    }

    /**
     * Adds a step to each pass. A {@link DataException} from the step is a bad row; any other
     * exception (from a caller's function) fails the pass naming the operation and the row.
     */
    private Dataset step(String operation, Step step) {
        RowSource upstream = source;
        return new Dataset(name, badRows -> {
            Rows rows = upstream.open(badRows);
            return new Rows() {
                @Override
                public SourcedRow next() {
                    SourcedRow row;
                    while ((row = rows.next()) != null) {
                        try {
                            SourcedRow result = step.apply(row);
                            if (result != null) {
                                return result;
                            }
                        } catch (DataException bad) {
                            badRows.reject(bad);
                        } catch (RuntimeException e) {
                            throw new IllegalStateException(operation + " failed at " + row.location() + ": " + e, e);
                        }
                    }
                    return null;
                }

                @Override
                public void close() {
                    rows.close();
                }
            };
        }, policy);
    }

    @Override
    public String toString() {
        return "Dataset(" + name + ")";
    }
}
