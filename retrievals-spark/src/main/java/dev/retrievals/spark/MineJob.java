package dev.retrievals.spark;

import dev.retrievals.index.mining.NegativeSelectionOptions;
import dev.retrievals.index.mining.OutputFormat;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class dev.retrievals.spark.MineJob retrievals-spark-*-assembly.jar --model M
 * --data pairs.parquet --corpus corpus.parquet --output mined.jsonl}: hard negatives with the
 * options (and output rows) of {@code retrievals mine}, on Spark.
 */
@Command(name = "MineJob", mixinStandardHelpOptions = true, description = "Mines hard negatives for (query, positive) rows on Spark:"
        + " the corpus is encoded and searched in shards on the executors, the shards' candidates merged per query, then filtered,"
        + " sampled and written as 'retrievals mine' does.")
public final class MineJob extends SparkJob {
    @Mixin
    ModelOptions model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "(query, positive) rows, Parquet or JSONL.")
    String data;

    @Option(names = "--corpus", paramLabel = "PATH", description = "Documents to mine from (Parquet or JSONL with a text column);"
            + " the positives are always added.")
    String corpus;

    @Option(names = "--input-format", paramLabel = "parquet|jsonl", description = "Format of --data and --corpus (default: from"
            + " their extensions).")
    String inputFormat;

    @Option(names = "--query-column", paramLabel = "NAME", defaultValue = "query", description = "Column of the queries (default: ${DEFAULT-VALUE}).")
    String queryColumn;

    @Option(names = "--positive-column", paramLabel = "NAME", defaultValue = "positive", description = "Column of the positives"
            + " (default: ${DEFAULT-VALUE}).")
    String positiveColumn;

    @Option(names = "--field", paramLabel = "NAME", defaultValue = "text", description = "The corpus column that holds the text"
            + " (default: ${DEFAULT-VALUE}).")
    String field;

    @Option(names = "--retriever", paramLabel = "NAME", defaultValue = "exact", description = "How each shard is searched: exact,"
            + " or hnsw (a Lucene HNSW graph per shard, built on the executors) (default: ${DEFAULT-VALUE}).")
    String retriever;

    @Mixin
    NegativeSelectionOptions selection;

    @Option(names = "--query-prompt", paramLabel = "TEXT", description = "Text put before every query (default: the model's saved"
            + " query prompt, config_sentence_transformers.json; \"\" for none).")
    String queryPrompt;

    @Option(names = "--document-prompt", paramLabel = "TEXT", description = "Text put before every document (default: the model's"
            + " saved document prompt; \"\" for none).")
    String documentPrompt;

    @Option(names = "--format", paramLabel = "triplet|ntuple|flag", defaultValue = "triplet", description = "Rows to write (default:"
            + " ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--scores", description = "Also write scores in triplet and ntuple rows.")
    boolean scores;

    @Option(names = "--shards", paramLabel = "N", description = "Split the corpus into N shards searched in parallel (default: its"
            + " partitions as read).")
    Integer shards;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Folder to write (refused if it exists unless --overwrite).")
    String output;

    @Option(names = "--output-format", paramLabel = "parquet|jsonl", description = "Default: from the output's extension.")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    protected void run(SparkSession spark) {
        TableFormat out = TableFormat.of(outputFormat, "--output-format", output);
        OutputFormat rows = OutputFormat.named(format);
        SparkMiner.Builder miner = SparkMiner.builder(model.encoder(spark, "text"), selection.rules().build()).format(rows).includeScores(scores)
                .prompts(queryPrompt, documentPrompt).pairColumns(queryColumn, positiveColumn).textColumn(field)
                .retriever(retriever);
        if (shards != null) {
            miner.shards(shards);
        }
        Dataset<Row> pairs = TableFormat.of(inputFormat, "--input-format", data).read(spark, data);
        Dataset<Row> documents = corpus == null ? null : TableFormat.of(inputFormat, "--input-format", corpus).read(spark, corpus);
        out.writeJsonLines(spark, miner.build().mine(spark, pairs, documents), output, overwrite);
    }

    /** Runs the job; exits with 2 after one line on standard error for bad input or options. */
    public static void main(String[] args) {
        main(new MineJob(), args);
    }
}
