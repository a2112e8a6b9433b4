package dev.retrievals.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A task that fails after writing some rows is retried ({@code local[2,2]} allows one retry) without lost or repeated rows. */
@Timeout(300)
class SparkEncoderRetryTest {
    @RegisterExtension
    static final LocalSpark LOCAL = new LocalSpark("local[2,2]");

    @Test
    void aTaskFailingOnceIsRetriedWithoutDuplicatedOrLostRows() {
        SparkSession spark = LOCAL.spark();
        Path model = LOCAL.miniLm("minilm");
        List<String> texts = LocalSpark.texts(40);
        AtomicInteger failedTasks = new AtomicInteger();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != Success$.MODULE$) {
                    failedTasks.incrementAndGet();
                }
            }
        });
        String output = LOCAL.path("encoded.parquet").toString();
        Dataset<Row> input = LOCAL.rows(texts, 2);
        TableFormat.PARQUET.write(SparkEncoder.builder(model.toString()).pooling("mean").maxLength(64).chunkRows(4)
                .failFirstAttemptAfter(9).build().encode(input), output, false);
        List<Row> written = TableFormat.PARQUET.read(spark, output).orderBy("id").collectAsList();
        List<Row> clean = SparkEncoder.builder(model.toString()).pooling("mean").maxLength(64).chunkRows(4).build().encode(input)
                .collectAsList();

        assertThat(failedTasks.get()).as("tasks that failed (the hook fires once)").isEqualTo(1);
        assertThat(written).extracting(row -> row.getInt(0)).containsExactlyElementsOf(IntStream.range(0, texts.size()).boxed().toList());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(written.get(i).getString(1)).isEqualTo(texts.get(i));
            assertThat(written.get(i).<Float>getList(2)).isEqualTo(clean.get(i).<Float>getList(2));
        }
    }
}
