package dev.retrievals.collators;

import dev.retrievals.core.data.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one column of every row of a batch, with errors naming the batch row and the column. */
final class BatchColumns {
    private BatchColumns() {}

    /** Where a row is, for messages. */
    static String location(int row) {
        return "batch row " + row;
    }

    /** The non-empty texts of a column. */
    static List<String> texts(List<Map<String, Object>> rows, String column) {
        List<String> texts = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            texts.add((String) ColumnType.TEXT.read(rows.get(i), column, location(i)));
        }
        return texts;
    }

    /** The text lists of a column (a single text counts as a list of one). */
    @SuppressWarnings("unchecked")
    static List<List<String>> textLists(List<Map<String, Object>> rows, String column) {
        List<List<String>> lists = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            lists.add((List<String>) ColumnType.TEXT_LIST.read(rows.get(i), column, location(i)));
        }
        return lists;
    }

    /** The numbers of a column, as floats. */
    static float[] numbers(List<Map<String, Object>> rows, String column) {
        float[] numbers = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            numbers[i] = ((Number) ColumnType.NUMBER.read(rows.get(i), column, location(i))).floatValue();
        }
        return numbers;
    }

    /**
     * The number lists of a column, each as long as the text list of the same row in {@code texts}
     * (one score per text), as floats.
     */
    @SuppressWarnings("unchecked")
    static List<float[]> numberLists(List<Map<String, Object>> rows, String column, List<List<String>> texts, String textColumn) {
        List<float[]> lists = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<Number> numbers = (List<Number>) ColumnType.NUMBER_LIST.read(rows.get(i), column, location(i));
            if (numbers.size() != texts.get(i).size()) {
                throw new dev.retrievals.core.data.DataException(location(i), dev.retrievals.core.data.DataProblem.WRONG_TYPE,
                        "column '" + column + "' has " + numbers.size() + " numbers for " + texts.get(i).size() + " texts in '" + textColumn
                                + "'; expected one score per text");
            }
            float[] values = new float[numbers.size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = numbers.get(j).floatValue();
            }
            lists.add(values);
        }
        return lists;
    }

    /** An unmodifiable column-to-type map in the given order, from alternating column names and {@link ColumnType}s. */
    static Map<String, ColumnType> types(Object... columnsAndTypes) {
        Map<String, ColumnType> types = new java.util.LinkedHashMap<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            types.put((String) columnsAndTypes[i], (ColumnType) columnsAndTypes[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(types);
    }

    /** The types of scored-pair columns: two texts then a number. */
    static Map<String, ColumnType> scoredPairTypes(List<String> columns) {
        return types(columns.get(0), ColumnType.TEXT, columns.get(1), ColumnType.TEXT, columns.get(2), ColumnType.NUMBER);
    }

    /** Fails on an empty batch, which no collator can pad. */
    static void requireRows(List<Map<String, Object>> rows, String owner) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(owner + " got an empty batch; expected at least one row");
        }
    }
}
