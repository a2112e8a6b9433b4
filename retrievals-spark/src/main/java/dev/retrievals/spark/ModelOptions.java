package dev.retrievals.spark;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The model options the jobs share, named as the {@code retrievals} command's. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH", description = "An ONNX model folder (or .onnx file) every"
            + " executor can read, or one on the driver with --ship-model.")
    String model;

    @Option(names = "--pooling", paramLabel = "NAME", description = "Pooling of a graph without sentence_embedding (mean, cls, ...).")
    String pooling;

    @Option(names = "--max-length", paramLabel = "N", description = "Longest text in tokens (default: the model's).")
    Integer maxLength;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = "Where ONNX Runtime computes on the executors (gpu needs"
            + " ONNX Runtime's GPU build and CUDA there; default: cpu).")
    String device;

    @Option(names = "--threads-per-task", paramLabel = "N", description = "ONNX Runtime threads per task (default: executor cores"
            + " / tasks an executor runs at once).")
    Integer threadsPerTask;

    @Option(names = "--ship-model", description = "Send the model folder from the driver to every executor (SparkContext.addFile).")
    boolean shipModel;

    /** A builder of the encoder these options describe, for texts in {@code textColumn}. */
    SparkEncoder.Builder encoder(SparkSession spark, String textColumn) {
        SparkEncoder.Builder builder = SparkEncoder.builder(model).textColumn(textColumn).batchSize(batchSize).pooling(pooling);
        if (maxLength != null) {
            builder.maxLength(maxLength);
        }
        if (device != null) {
            builder.device(device);
        }
        if (threadsPerTask != null) {
            builder.threadsPerTask(threadsPerTask);
        }
        if (shipModel) {
            builder.ship(spark);
        }
        return builder;
    }
}
