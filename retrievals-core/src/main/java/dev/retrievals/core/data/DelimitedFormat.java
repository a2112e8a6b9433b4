package dev.retrievals.core.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a delimited text file is laid out: the delimiter, the quote character (RFC 4180 quoting:
 * a quoted field may hold delimiters, line breaks and doubled quotes) or none, and whether the
 * first line is a header. Values are read as text; {@link ColumnType#NUMBER} converts numbers.
 *
 * @param delimiter the field separator
 * @param quote the quote character, or {@code null} for no quoting (quotes are then ordinary text)
 * @param header whether the first line names the columns
 * @param columnNames the column names when there is no header (empty: {@code column_1},
 *     {@code column_2} …)
 */
public record DelimitedFormat(char delimiter, Character quote, boolean header, List<String> columnNames) {

    /** Checks the format. */
    public DelimitedFormat {
        columnNames = List.copyOf(columnNames);
        if (delimiter == '\n' || delimiter == '\r' || Objects.equals(quote, delimiter)) {
            throw new IllegalArgumentException("Delimiter '" + delimiter + "' must differ from the quote and from line breaks");
        }
        if (header && !columnNames.isEmpty()) {
            throw new IllegalArgumentException("Column names " + columnNames + " are given but the file has a header");
        }
        Set<String> seen = new HashSet<>();
        for (String name : columnNames) {
            if (name == null || name.isEmpty() || !seen.add(name)) {
                throw new IllegalArgumentException("Column names must be non-empty and distinct, got " + columnNames);
            }
        }
    }

    /** Comma-separated, RFC 4180 double quotes, with a header line. */
    public static DelimitedFormat csv() {
        return new DelimitedFormat(',', '"', true, List.of());
    }

    /**
     * Tab-separated with a header line and no quoting (as sentence-transformers reads STS files with
     * {@code csv.QUOTE_NONE}: quotes in sentences are text).
     */
    public static DelimitedFormat tsv() {
        return new DelimitedFormat('\t', null, true, List.of());
    }

    /** The same format for a file without a header line, with these column names. */
    public DelimitedFormat withoutHeader(String... names) {
        return new DelimitedFormat(delimiter, quote, false, List.of(names));
    }

    /** The same format with RFC 4180 quoting by {@code quoteCharacter}. */
    public DelimitedFormat withQuote(char quoteCharacter) {
        return new DelimitedFormat(delimiter, quoteCharacter, header, columnNames);
    }

    /** The same format without quoting. */
    public DelimitedFormat withoutQuoting() {
        return new DelimitedFormat(delimiter, null, header, columnNames);
    }
}
