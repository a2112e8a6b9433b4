package dev.retrievals.core.data;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lazy pass over a dataset. The file is closed, and a warning with the {@link SkipReport} is
 * logged if anything was skipped, when the last row has been read or on {@link #close()}; use
 * try-with-resources when you may stop early.
 */
public final class RowIterator implements Iterator<Map<String, Object>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RowIterator.class);

    private final Rows rows;
    private final BadRows badRows;
    private SourcedRow next;
    private boolean closed;

    RowIterator(Rows rows, BadRows badRows) {
        this.rows = rows;
        this.badRows = badRows;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !closed) {
            try {
                next = rows.next();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (next == null) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public Map<String, Object> next() {
        return nextSourced().values();
    }

    SourcedRow nextSourced() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more rows");
        }
        SourcedRow row = next;
        next = null;
        return row;
    }

    /** What this pass has skipped so far. */
    public SkipReport skipReport() {
        return badRows.report();
    }

    /** Closes the file; logs the skip report once if anything was skipped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rows.close();
        SkipReport report = badRows.report();
        if (!report.isEmpty()) {
            LOG.warn(report.summary());
        }
    }
}
