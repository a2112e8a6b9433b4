package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class dev.retrievals.spark.EncodeJob retrievals-spark-*-assembly.jar
 * --model M --input corpus.parquet --output encoded.parquet}: every row of the input with an
 * {@code embedding} column added, written as Parquet or JSONL.
 */
@Command(name = "EncodeJob", mixinStandardHelpOptions = true, description = "Encodes a text column of a Parquet or JSONL table"
        + " on Spark; writes the rows with an 'embedding' column (array<float>).")
public final class EncodeJob extends SparkJob {
    @Mixin
    ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet or JSONL table (file or folder).")
    String input;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "text", description = "The column that holds the text (default: ${DEFAULT-VALUE}).")
    String field;

    @Option(names = "--output-column", paramLabel = "NAME", defaultValue = "embedding", description = "The column the vectors go to"
            + " (default: ${DEFAULT-VALUE}).")
    String outputColumn;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Folder to write (refused if it exists unless --overwrite).")
    String output;

    @Option(names = "--input-format", paramLabel = "parquet|jsonl", description = "Default: from the input's extension.")
    String inputFormat;

    @Option(names = "--output-format", paramLabel = "parquet|jsonl", description = "Default: from the output's extension.")
    String outputFormat;

    @Option(names = "--no-normalize", description = "Keep the vectors' lengths (no L2 normalisation).")
    boolean noNormalize;

    @Option(names = "--partitions", paramLabel = "N", description = "Repartition the input into N partitions first (rows then leave"
            + " their input order; default: as read).")
    Integer partitions;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected void run(SparkSession spark) {
        TableFormat in = TableFormat.of(inputFormat, "--input-format", input);
        TableFormat out = TableFormat.of(outputFormat, "--output-format", output);
        Dataset<Row> table = in.read(spark, input);
        if (partitions != null) {
            if (partitions < 1) {
                throw new RetrievalsException("Option --partitions is " + partitions + "; expected an integer >= 1");
            }
            table = table.repartition(partitions);
        }
        out.write(model.encoder(spark, field).outputColumn(outputColumn).normalize(!noNormalize).build().encode(table), output, overwrite);
    }

    /** Runs the job; exits with 2 after one line on standard error for bad input or options. */
    public static void main(String[] args) {
        main(new EncodeJob(), args);
    }
}
