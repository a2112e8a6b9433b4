package dev.retrievals.core.collator;

import java.util.List;
import java.util.Map;

/**
 * Turns a list of rows (column name to value) into one padded, tokenized batch.
 *
 * @param <B> the batch type
 */
public interface Collator<B> {

    /** The columns this collator reads from each row. */
    List<String> columns();

    /** Tokenizes, truncates and pads the rows into one batch. */
    B collate(List<Map<String, Object>> rows);
}
