package dev.retrievals.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The type a column must have, checked by {@link Dataset#validate} and by collators. Each check
 * names the column, the place and what was found.
 */
public enum ColumnType {
    /** A text that is not empty or only white space. */
    TEXT("a text"),
    /** A list of texts (a single text counts as a list of one); the list and each text not empty. */
    TEXT_LIST("a text or a list of texts"),
    /** A finite number; text that parses as one (CSV and TSV values are text) becomes a {@link Double}. */
    NUMBER("a number"),
    /** A class label: a text, or an integer (which becomes its decimal text). */
    LABEL("a label (text or integer)"),
    /** A non-empty list of finite numbers (a single number counts as a list of one); each becomes a {@link Number}. */
    NUMBER_LIST("a number or a list of numbers");

    private final String expected;

    ColumnType(String expected) {
        this.expected = expected;
    }

    /**
     * Reads and checks one column of a row.
     *
     * @param row the row
     * @param column the column to read
     * @param location where the row is, for messages, for example {@code train.jsonl line 7}
     * @return the value: a {@link String} for TEXT and LABEL, a {@code List<String>} for TEXT_LIST,
     *     a {@link Number} for NUMBER, a {@code List<Number>} for NUMBER_LIST
     * @throws DataException naming the column and the columns present if it is missing, or the
     *     value found if it has the wrong type or is empty
     */
    public Object read(Map<String, Object> row, String column, String location) {
        if (!row.containsKey(column)) {
            throw missingColumn(column, row, location);
        }
        return check(row.get(column), column, location);
    }

    /** A missing-column error that lists the columns present. */
    static DataException missingColumn(String column, Map<String, Object> row, String location) {
        return new DataException(location, DataProblem.MISSING_COLUMN,
                "column '" + column + "' not found; columns present: " + row.keySet());
    }

    private Object check(Object value, String column, String location) {
        switch (this) {
            case TEXT:
                return text(value, column, location);
            case TEXT_LIST:
                if (value instanceof String) {
                    return List.of(text(value, column, location));
                }
                if (!(value instanceof List<?> list)) {
                    throw wrongType(value, column, location);
                }
                if (list.isEmpty()) {
                    throw new DataException(location, DataProblem.EMPTY_TEXT, "column '" + column + "' is an empty list; expected "
                            + expected);
                }
                List<String> texts = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    texts.add(text(list.get(i), column + "[" + i + "]", location));
                }
                return List.copyOf(texts);
            case NUMBER:
                return number(value, column, location);
            case NUMBER_LIST:
                if (!(value instanceof List<?> values)) {
                    return List.of(number(value, column, location));
                }
                if (values.isEmpty()) {
                    throw new DataException(location, DataProblem.EMPTY_TEXT, "column '" + column + "' is an empty list; expected "
                            + expected);
                }
                List<Number> numbers = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    numbers.add(number(values.get(i), column + "[" + i + "]", location));
                }
                return List.copyOf(numbers);
            case LABEL:
                if (value instanceof Long || value instanceof Integer) {
                    return value.toString();
                }
                if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                        && !Double.isInfinite(number.doubleValue())) {
                    return String.valueOf((long) number.doubleValue());
                }
                return text(value, column, location);
            default:
                throw new IllegalStateException(name());
        }
    }

    private String text(Object value, String column, String location) {
        if (!(value instanceof String text)) {
            throw wrongType(value, column, location);
        }
        if (text.isBlank()) {
            throw new DataException(location, DataProblem.EMPTY_TEXT,
                    "column '" + column + "' is " + (text.isEmpty() ? "empty" : "only white space") + "; expected " + TEXT.expected);
        }
        return text;
    }

    private Number number(Object value, String column, String location) {
        Number number;
        if (value instanceof Number given) {
            number = given;
        } else if (value instanceof String text) {
            try {
                number = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw wrongType(value, column, location);
            }
        } else {
            throw wrongType(value, column, location);
        }
        if (!Double.isFinite(number.doubleValue())) {
            throw wrongType(value, column, location);
        }
        return number;
    }

    private DataException wrongType(Object value, String column, String location) {
        return new DataException(location, DataProblem.WRONG_TYPE,
                "column '" + column + "' should be " + expected + ", found " + describe(value));
    }

    /** A value as a message shows it: its JSON-like kind and a short snippet. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String kind = value instanceof String ? "text" : value instanceof Number ? "number" : value instanceof Boolean
                ? "boolean" : value instanceof List ? "list" : value instanceof Map ? "object" : value.getClass().getSimpleName();
        String shown = value instanceof String ? "'" + Snippets.shorten(value.toString()) + "'"
                : Snippets.shorten(String.valueOf(value));
        return kind + " " + shown;
    }
}
