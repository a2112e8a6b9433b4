package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.onnx.OnnxEncoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Encodes one partition: rows are read in chunks, each chunk's texts go to the executor's shared
 * {@link OnnxEncoder} (which sorts them by token count into batches) and the rows come back in
 * their order with the vector appended. Only one chunk is held at a time.
 */
final class PartitionEncoder implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final EncoderSettings settings;
    private final int textIndex;
    private final String textColumn;
    private final int chunkRows;
    /** Test hook: the first attempt of partition 0 fails after this many rows (negative: never). */
    private final int failFirstAttemptAfter;

    PartitionEncoder(EncoderSettings settings, int textIndex, String textColumn, int chunkRows, int failFirstAttemptAfter) {
        this.settings = settings;
        this.textIndex = textIndex;
        this.textColumn = textColumn;
        this.chunkRows = chunkRows;
        this.failFirstAttemptAfter = failFirstAttemptAfter;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        OnnxEncoder encoder = ExecutorEncoders.get(settings);
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        boolean failing = failFirstAttemptAfter >= 0 && partition == 0 && task != null && task.attemptNumber() == 0;
        return new Iterator<>() {
            private final List<Row> chunk = new ArrayList<>();
            private float[][] vectors;
            private int next;
            private long emitted;
            private long read;

            @Override
            public boolean hasNext() {
                if (next < chunk.size()) {
                    return true;
                }
                fill();
                return !chunk.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (failing && emitted == failFirstAttemptAfter) {
                    throw new IllegalStateException("test hook: attempt 0 of partition 0 fails after " + emitted + " rows");
                }
                Row row = chunk.get(next);
                Object[] values = new Object[row.length() + 1];
                for (int i = 0; i < row.length(); i++) {
                    values[i] = row.get(i);
                }
                values[row.length()] = vectors[next];
                next++;
                emitted++;
                return RowFactory.create(values);
            }

            private void fill() {
                chunk.clear();
                next = 0;
                List<String> texts = new ArrayList<>();
                while (chunk.size() < chunkRows && rows.hasNext()) {
                    Row row = rows.next();
                    if (row.isNullAt(textIndex)) {
                        throw new RetrievalsException("Column '" + textColumn + "' is null in row " + read + " of partition " + partition
                                + "; expected a text in every row (filter or fill the nulls first)");
                    }
                    read++;
                    chunk.add(row);
                    texts.add(row.getString(textIndex));
                }
                if (!chunk.isEmpty()) {
                    vectors = encode(encoder, texts);
                    ExecutorEncoders.encoded(texts.size());
                    if (settings.normalize()) {
                        vectors = Vectors.units(vectors);
                    }
                }
            }
        };
    }

    /** The vectors of texts with the chosen prompt, or the role's saved one (left out of the pooling with include_prompt false). */
    private float[][] encode(OnnxEncoder encoder, List<String> texts) {
        if (settings.prompt() != null) {
            return encoder.encodeWithPrompt(texts, settings.prompt());
        }
        return switch (settings.role()) {
            case "query" -> encoder.encodeQueries(texts);
            case "document" -> encoder.encodeDocuments(texts);
            default -> encoder.encode(texts);
        };
    }
}
