package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.model.DeviceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes a text column of a Spark {@code Dataset<Row>} with an ONNX model: the result has the
 * same rows, in the same order, plus an {@code array<float>} column (default {@code embedding})
 * holding what the single-machine {@code OnnxEncoder} gives for the same text. Each executor JVM
 * loads the model once and shares it among its tasks ({@link ExecutorEncoders}); each task uses
 * {@link ThreadBudget} ONNX Runtime threads; inside a partition texts are batched by token count.
 * Texts are encoded as they are, or with the model's saved query or document prompt ({@link Builder#role}),
 * or with a {@link Builder#prompt} given; a model saved with {@code include_prompt} false leaves the
 * prompt out of the pooling, as {@code OnnxEncoder} does.
 *
 * <pre>{@code
 * Dataset<Row> encoded = SparkEncoder.builder("/shared/models/bge-small-onnx").textColumn("text").build()
 *         .encode(spark.read().parquet("corpus.parquet"));
 * }</pre>
 */
public final class SparkEncoder {
    private final EncoderSettings settings;
    private final String textColumn;
    private final String outputColumn;
    private final int chunkRows;
    private final int failFirstAttemptAfter;

    private SparkEncoder(Builder builder, int threadsPerTask) {
        this.settings = new EncoderSettings(builder.model, builder.pooling, builder.maxLength, builder.batchSize, threadsPerTask,
                builder.normalize, builder.prompt, builder.device, builder.role);
        this.textColumn = builder.textColumn;
        this.outputColumn = builder.outputColumn;
        this.chunkRows = builder.chunkRows;
        this.failFirstAttemptAfter = builder.failFirstAttemptAfter;
    }

    /**
     * A builder for a model: a folder (or {@code .onnx} file) that every executor can read, or
     * the name of one shipped with {@code --files} / {@link Builder#ship(SparkSession)}.
     */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** The settings each executor opens its encoder with. */
    public EncoderSettings settings() {
        return settings;
    }

    /**
     * The input's rows with their vectors appended (lazily: Spark runs it on the next action).
     *
     * @throws RetrievalsException at once when the text column is missing or not a string column,
     *     or the output column exists; a null text fails the job naming the column, row and partition
     */
    public Dataset<Row> encode(Dataset<Row> input) {
        StructType schema = input.schema();
        int textIndex = Arrays.asList(schema.fieldNames()).indexOf(textColumn);
        if (textIndex < 0) {
            throw new RetrievalsException("Input has no column '" + textColumn + "' (columns: " + String.join(", ", schema.fieldNames())
                    + "); choose the text column with --field");
        }
        if (!(schema.fields()[textIndex].dataType() instanceof StringType)) {
            throw new RetrievalsException("Column '" + textColumn + "' is " + schema.fields()[textIndex].dataType().simpleString()
                    + "; expected a string column of texts");
        }
        if (Arrays.asList(schema.fieldNames()).contains(outputColumn)) {
            throw new RetrievalsException("Input already has a column '" + outputColumn + "'; choose another output column");
        }
        StructType output = schema.add(new StructField(outputColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false,
                Metadata.empty()));
        return input.mapPartitions(new PartitionEncoder(settings, textIndex, textColumn, chunkRows, failFirstAttemptAfter),
                Encoders.row(output));
    }

    /** Settings of a {@link SparkEncoder}; each is checked when set. */
    public static final class Builder {
        private String model;
        private String textColumn = "text";
        private String outputColumn = "embedding";
        private String pooling;
        private Integer maxLength;
        private int batchSize = 32;
        private Integer threadsPerTask;
        private boolean normalize = true;
        private String prompt;
        private String role = "plain";
        private int chunkRows = 1024;
        private int failFirstAttemptAfter = -1;
        private String device;

        private Builder(String model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The column of texts (default {@code text}). */
        public Builder textColumn(String value) {
            this.textColumn = Objects.requireNonNull(value, "textColumn");
            return this;
        }

        /** The column the vectors go to (default {@code embedding}). */
        public Builder outputColumn(String value) {
            this.outputColumn = Objects.requireNonNull(value, "outputColumn");
            return this;
        }

        /** The pooling for graphs without {@code sentence_embedding} (plain Hugging Face exports). */
        public Builder pooling(String value) {
            this.pooling = value;
            return this;
        }

        /** The longest text in tokens (default: the model's). */
        public Builder maxLength(int value) {
            this.maxLength = atLeast("max_length", value, 2);
            return this;
        }

        /** Texts per ONNX Runtime call (default 32). */
        public Builder batchSize(int value) {
            this.batchSize = atLeast("batch_size", value, 1);
            return this;
        }

        /** ONNX Runtime threads per task (default: {@link ThreadBudget#threadsPerTask(org.apache.spark.SparkConf)}). */
        public Builder threadsPerTask(int value) {
            this.threadsPerTask = atLeast("threads_per_task", value, 1);
            return this;
        }

        /** Whether vectors are scaled to unit length (default true, as the command line's {@code encode}). */
        public Builder normalize(boolean value) {
            this.normalize = value;
            return this;
        }

        /**
         * Where ONNX Runtime computes on the executors: {@code cpu} (the default), {@code gpu} or
         * {@code gpu:N}, which needs ONNX Runtime's GPU build in the jar and CUDA on the executors.
         */
        public Builder device(String value) {
            this.device = DeviceName.parse(value).toString();
            return this;
        }

        /** Text put before every text ("" for none), in place of the saved prompt of the {@link #role} (default: that prompt). */
        public Builder prompt(String value) {
            this.prompt = Objects.requireNonNull(value, "prompt");
            return this;
        }

        /**
         * Whose saved prompt the texts get when no {@link #prompt} is set: {@code query} or
         * {@code document} (the model's {@code config_sentence_transformers.json} prompts), or
         * {@code plain}, none (the default).
         */
        public Builder role(String value) {
            if (!EncoderSettings.ROLES.contains(value)) {
                throw new RetrievalsException("Option 'role' of SparkEncoder is '" + value + "'; allowed: " + String.join(", ",
                        EncoderSettings.ROLES));
            }
            this.role = value;
            return this;
        }

        /** The builder for the same model and settings with another role and no prompt of its own set. */
        Builder copyWithRole(String value) {
            Builder copy = new Builder(model).textColumn(textColumn).outputColumn(outputColumn).pooling(pooling).batchSize(batchSize)
                    .normalize(normalize).chunkRows(chunkRows).role(value);
            copy.maxLength = maxLength;
            copy.threadsPerTask = threadsPerTask;
            copy.device = device;
            copy.failFirstAttemptAfter = failFirstAttemptAfter;
            return copy;
        }

        /** Rows of a partition read and encoded together, sorted by length within (default 1024). */
        public Builder chunkRows(int value) {
            this.chunkRows = atLeast("chunk_rows", value, 1);
            return this;
        }

        /**
         * Ships the model folder to every executor through {@code SparkContext.addFile(folder, true)};
         * executors then find it by its name. For clusters without a shared file system.
         */
        public Builder ship(SparkSession spark) {
            Path folder = Path.of(model).toAbsolutePath();
            if (!Files.exists(folder)) {
                throw new RetrievalsException("Model " + folder + " does not exist on the driver, so it cannot be shipped");
            }
            spark.sparkContext().addFile(folder.toUri().toString(), true);
            this.model = folder.getFileName().toString();
            return this;
        }

        /** Test hook: the first attempt of partition 0 fails after {@code rows} rows, so Spark's retry is exercised. */
        Builder failFirstAttemptAfter(int rows) {
            this.failFirstAttemptAfter = rows;
            return this;
        }

        private static int atLeast(String option, int value, int minimum) {
            if (value < minimum) {
                throw new RetrievalsException("Option '" + option + "' of SparkEncoder is " + value + "; allowed: an integer >= " + minimum);
            }
            return value;
        }

        /** The encoder, with threads per task from the active session's configuration unless set. */
        public SparkEncoder build() {
            int threads = threadsPerTask != null ? threadsPerTask
                    : ThreadBudget.threadsPerTask(SparkSession.active().sparkContext().getConf());
            return new SparkEncoder(this, threads);
        }
    }
}
