package dev.retrievals.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** CSV, TSV and other delimited text, one record at a time (a quoted record may span lines). */
final class DelimitedSource implements RowSource {
    private final String name;
    private final StreamOpener opener;
    private final DelimitedFormat format;

    DelimitedSource(String name, StreamOpener opener, DelimitedFormat format) {
        this.name = name;
        this.opener = opener;
        this.format = format;
    }

    @Override
    public Rows open(BadRows badRows) {
        Utf8LineReader lines = new Utf8LineReader(opener.open(), name);
        return new Rows() {
            private List<String> columns = format.header() ? null : format.columnNames();

            @Override
            public SourcedRow next() {
                while (true) {
                    Record record;
                    try {
                        record = readRecord(lines, badRows);
                    } catch (DataException bad) {
                        if (columns == null) {
                            throw bad; // a header that cannot be read leaves nothing to read the rest by
                        }
                        badRows.reject(bad);
                        continue;
                    }
                    if (record == null) {
                        return null;
                    }
                    if (columns == null) {
                        columns = header(record);
                        continue;
                    }
                    if (columns.isEmpty()) {
                        columns = defaultNames(record.fields().size());
                    }
                    if (record.fields().size() != columns.size()) {
                        badRows.reject(new DataException(record.location(), DataProblem.MALFORMED,
                                "found " + record.fields().size() + " fields, expected " + columns.size() + " " + columns
                                        + ": " + Snippets.shorten(String.join(String.valueOf(format.delimiter()), record.fields()))));
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), record.fields().get(i));
                    }
                    return new SourcedRow(record.location(), Collections.unmodifiableMap(row));
                }
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    private List<String> header(Record record) {
        Set<String> seen = new HashSet<>();
        for (String column : record.fields()) {
            if (column.isEmpty() || !seen.add(column)) {
                throw new DataException(record.location(), DataProblem.MALFORMED,
                        "header has an empty or repeated column name: " + record.fields());
            }
        }
        return List.copyOf(record.fields());
    }

    private static List<String> defaultNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add("column_" + i);
        }
        return names;
    }

    private record Record(String location, List<String> fields) {}

    /** The next non-blank record, or {@code null} at the end; blank lines are counted. */
    private Record readRecord(Utf8LineReader lines, BadRows badRows) {
        String line;
        do {
            line = lines.readLine();
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                badRows.blankLine();
            }
        } while (line.isEmpty());
        String location = lines.location();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        char delimiter = format.delimiter();
        Character quote = format.quote();
        int i = 0;
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (i == line.length()) {
                if (!quoted) {
                    fields.add(field.toString());
                    return new Record(location, fields);
                }
                String more = lines.readLine();
                if (more == null) {
                    throw new DataException(location, DataProblem.MALFORMED,
                            "quoted field opened here is not closed before the end of the file: " + Snippets.shorten(field.toString()));
                }
                field.append('\n');
                line = more;
                i = 0;
                continue;
            }
            char c = line.charAt(i++);
            if (quoted) {
                if (c == quote) {
                    if (i < line.length() && line.charAt(i) == quote) {
                        field.append(c);
                        i++;
                    } else {
                        quoted = false;
                        if (i < line.length() && line.charAt(i) != delimiter) {
                            throw new DataException(lines.location(), DataProblem.MALFORMED, "unexpected '" + line.charAt(i)
                                    + "' after a closing quote at column " + (i + 1) + "; expected a delimiter or the end of the line: "
                                    + Snippets.shorten(line));
                        }
                    }
                } else {
                    field.append(c);
                }
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                continue;
            } else if (quote != null && c == quote && fieldStart) {
                quoted = true;
            } else {
                field.append(c);
            }
            fieldStart = false;
        }
    }
}
