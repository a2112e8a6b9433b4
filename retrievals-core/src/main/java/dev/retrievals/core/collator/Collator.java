package dev.retrievals.core.collator;

import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import java.util.List;
import java.util.Map;

/**
 * Turns a list of rows (column name to value) into one batch of padded token ids by role, plus
 * labels or scores. Implementations tokenize, truncate each text to its role's maximum length and
 * pad each role to its longest text. A bad row fails with a
 * {@link dev.retrievals.core.data.DataException} naming the batch row, the column and what was
 * expected.
 */
public interface Collator {

    /**
     * The columns this collator reads from each row and the type each must have, in reading order.
     * Trainers check every row of a dataset against it before training, so a bad row is reported
     * with its file and line rather than its place in a batch.
     */
    Map<String, ColumnType> columnTypes();

    /** The columns this collator reads from each row. */
    default List<String> columns() {
        return List.copyOf(columnTypes().keySet());
    }

    /** Tokenizes, truncates and pads the rows into one batch. */
    CollatedBatch collate(List<Map<String, Object>> rows);
}
