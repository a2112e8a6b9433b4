package dev.retrievals.core.collator;

import dev.retrievals.core.data.CollatedBatch;
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

    /** The columns this collator reads from each row. */
    List<String> columns();

    /** Tokenizes, truncates and pads the rows into one batch. */
    CollatedBatch collate(List<Map<String, Object>> rows);
}
