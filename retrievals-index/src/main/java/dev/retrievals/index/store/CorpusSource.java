package dev.retrievals.index.store;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.data.DataProblem;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.RowIterator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A corpus read as a stream of {@link CorpusDocument}s, one pass at a time, so no corpus needs to
 * fit in memory. Sources: a JSON Lines corpus ({@code id} or BEIR's {@code _id}, optional
 * {@code title}, {@code text}), a BEIR folder's {@code corpus.jsonl}, a plain text file (one
 * document per line), or documents in memory.
 */
@FunctionalInterface
public interface CorpusSource {

    /** Starts a pass over the documents, in order; close it when done. */
    Documents open();

    /** A description for messages, for example the file name. */
    default String name() {
        return "corpus";
    }

    /** The first {@code count} documents of this source (for quick runs and fixed subsets). */
    default CorpusSource first(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count is " + count + "; expected >= 0");
        }
        CorpusSource whole = this;
        return new CorpusSource() {
            @Override
            public Documents open() {
                Documents documents = whole.open();
                return new Documents() {
                    private long taken;

                    @Override
                    public boolean hasNext() {
                        return taken < count && documents.hasNext();
                    }

                    @Override
                    public CorpusDocument next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        taken++;
                        return documents.next();
                    }

                    @Override
                    public void close() {
                        documents.close();
                    }
                };
            }

            @Override
            public String name() {
                return whole.name() + " (first " + count + " documents)";
            }
        };
    }

    /** One pass over a corpus. */
    interface Documents extends Iterator<CorpusDocument>, AutoCloseable {
        @Override
        void close();
    }

    /**
     * A JSON Lines corpus: column {@code text} (required, not empty), {@code id} or {@code _id}
     * (required when {@code requireIds}; else a missing id becomes the row's number, from 1) and an
     * optional {@code title} that precedes the text, joined by a space, when {@code includeTitle}
     * (as BEIR does). A bad row fails naming the file, the line and the column.
     */
    static CorpusSource jsonl(Path file, boolean requireIds, boolean includeTitle) {
        return jsonl(file, "text", requireIds, includeTitle);
    }

    /** Like {@link #jsonl(Path, boolean, boolean)} with the text in column {@code textField}. */
    static CorpusSource jsonl(Path file, String textField, boolean requireIds, boolean includeTitle) {
        return new CorpusSource() {
            @Override
            public Documents open() {
                RowIterator rows = Dataset.fromJsonl(file).iterator();
                return new Documents() {
                    private long number;

                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public CorpusDocument next() {
                        Map<String, Object> row = rows.next();
                        number++;
                        String location = file + " row " + number;
                        String text = (String) ColumnType.TEXT.read(row, textField, location);
                        String id = id(row, location);
                        Object title = row.get("title");
                        if (includeTitle && title instanceof String titleText && !titleText.isBlank()) {
                            text = titleText + " " + text;
                        }
                        return new CorpusDocument(id, text.strip());
                    }

                    private String id(Map<String, Object> row, String location) {
                        String column = row.containsKey("id") || !row.containsKey("_id") ? "id" : "_id";
                        if (!row.containsKey(column) && !requireIds) {
                            return Long.toString(number);
                        }
                        if (!row.containsKey(column)) {
                            throw new DataException(location, DataProblem.MISSING_COLUMN,
                                    "column 'id' (or '_id') not found; columns present: " + row.keySet());
                        }
                        return (String) ColumnType.LABEL.read(row, column, location);
                    }

                    @Override
                    public void close() {
                        rows.close();
                    }
                };
            }

            @Override
            public String name() {
                return file.toString();
            }
        };
    }

    /**
     * A plain text file, one document per line (UTF-8, a byte-order mark allowed); blank lines are
     * skipped, and a document's id is its line number, from 1.
     */
    static CorpusSource lines(Path file) {
        return new CorpusSource() {
            @Override
            public Documents open() {
                BufferedReader reader;
                try {
                    reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new RetrievalsException("Cannot read " + file + ": " + e.getMessage(), e);
                }
                return new Documents() {
                    private long number;
                    private CorpusDocument next;

                    @Override
                    public boolean hasNext() {
                        while (next == null) {
                            String line;
                            try {
                                line = reader.readLine();
                            } catch (IOException e) {
                                throw new RetrievalsException("Cannot read " + file + " line " + (number + 1) + ": " + e.getMessage(), e);
                            }
                            if (line == null) {
                                return false;
                            }
                            number++;
                            if (number == 1 && line.startsWith("\uFEFF")) {
                                line = line.substring(1);
                            }
                            if (!line.isBlank()) {
                                next = new CorpusDocument(Long.toString(number), line.strip());
                            }
                        }
                        return true;
                    }

                    @Override
                    public CorpusDocument next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        CorpusDocument document = next;
                        next = null;
                        return document;
                    }

                    @Override
                    public void close() {
                        try {
                            reader.close();
                        } catch (IOException ignored) {
                            // read-only
                        }
                    }
                };
            }

            @Override
            public String name() {
                return file.toString();
            }
        };
    }

    /** The {@code corpus.jsonl} of a BEIR folder: ids required, titles joined to texts when {@code includeTitle}. */
    static CorpusSource beir(Path folder, boolean includeTitle) {
        return jsonl(folder.resolve("corpus.jsonl"), true, includeTitle);
    }

    /** Documents held in memory (copied). */
    static CorpusSource of(List<CorpusDocument> documents) {
        List<CorpusDocument> copy = List.copyOf(documents);
        return () -> {
            Iterator<CorpusDocument> iterator = copy.iterator();
            return new Documents() {
                @Override
                public boolean hasNext() {
                    return iterator.hasNext();
                }

                @Override
                public CorpusDocument next() {
                    if (!iterator.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return iterator.next();
                }

                @Override
                public void close() {}
            };
        };
    }
}
