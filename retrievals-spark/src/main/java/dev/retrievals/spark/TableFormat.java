package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The table formats the jobs read and write: Parquet and JSON Lines (one object a line; Spark
 * writes a folder of part files). Chosen by an option, else by the path's extension.
 */
public enum TableFormat {
    /** Apache Parquet. */
    PARQUET,
    /** JSON Lines. */
    JSONL;

    /** {@code option}'s value if given, else from the extension of {@code path} ({@code .parquet}, {@code .jsonl}, {@code .json}). */
    public static TableFormat of(String value, String option, String path) {
        if (value != null) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "parquet" -> PARQUET;
                case "jsonl", "json" -> JSONL;
                default -> throw new RetrievalsException("Option " + option + " is '" + value + "'; expected parquet or jsonl");
            };
        }
        String name = path.replaceAll("/+$", "").toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return JSONL;
        }
        throw new RetrievalsException("Cannot tell the format of " + path + " from its name; name it .parquet or .jsonl, or set " + option);
    }

    /** Reads a table (a file or a folder of part files). */
    public Dataset<Row> read(SparkSession spark, String path) {
        try {
            return this == PARQUET ? spark.read().parquet(path) : spark.read().json(path);
        } catch (Exception e) { // Scala throws AnalysisException (checked in Java) without declaring it
            throw failure(e, "Cannot read " + path + " as " + this + ": " + e.getMessage());
        }
    }

    /**
     * Writes a table through Spark's commit protocol (tasks write to a temporary folder that is
     * moved into place when the job commits), refusing an existing path unless {@code overwrite}.
     * When the job fails, a folder it created is removed, so nothing half-written stays behind.
     */
    public void write(Dataset<Row> table, String path, boolean overwrite) {
        save(table, path, overwrite, writer -> {
            if (this == PARQUET) {
                writer.parquet(path);
            } else {
                writer.json(path);
            }
        });
    }

    /** Writes JSON lines as JSONL text files, or as Parquet with the columns the JSON objects have; as {@link #write}. */
    public void writeJsonLines(SparkSession spark, Dataset<String> lines, String path, boolean overwrite) {
        if (this == JSONL) {
            save(lines, path, overwrite, writer -> writer.text(path));
        } else {
            Dataset<String> kept = lines.persist(StorageLevel.MEMORY_AND_DISK()); // the schema is inferred first: compute once
            try {
                write(spark.read().json(kept), path, overwrite);
            } finally {
                kept.unpersist(false);
            }
        }
    }

    private <T> void save(Dataset<T> table, String path, boolean overwrite, Consumer<DataFrameWriter<T>> format) {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path);
        FileSystem files;
        boolean existed;
        try {
            files = target.getFileSystem(table.sparkSession().sparkContext().hadoopConfiguration());
            existed = files.exists(target);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + path + ": " + e.getMessage(), e);
        }
        try {
            format.accept(table.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists));
        } catch (Exception e) { // Scala throws AnalysisException and SparkException (checked in Java) without declaring them
            if (!existed) {
                try {
                    files.delete(target, true);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw failure(e, "Cannot write " + path + " as " + this + ": " + e.getMessage()
                    + (overwrite ? "" : " (an existing output is refused unless --overwrite)"));
        }
    }

    /** An analysis error (a path or schema problem) as {@code message}; a failed job as its one line; others as they are. */
    private static RuntimeException failure(Exception e, String message) {
        if (e instanceof AnalysisException) {
            return new RetrievalsException(message.replace('\n', ' '), e);
        }
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        return new RetrievalsException(SparkErrors.oneLine(e), e);
    }
}
