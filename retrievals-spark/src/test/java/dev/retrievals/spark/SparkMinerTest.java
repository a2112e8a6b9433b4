package dev.retrievals.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.index.mining.HardNegativeMiner;
import dev.retrievals.index.mining.MiningInput;
import dev.retrievals.index.mining.NegativeSelection;
import dev.retrievals.index.mining.OutputFormat;
import dev.retrievals.index.store.Fingerprint;
import dev.retrievals.onnx.OnnxEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Spark miner against the single-machine {@link HardNegativeMiner} on the same small corpus
 * (STS-B sentences), model and seed: the same rows in the same order, scores equal to float noise.
 */
@Timeout(600)
class SparkMinerTest {
    @RegisterExtension
    static final LocalSpark LOCAL = new LocalSpark("local[2]");
    private static final int MAX_LENGTH = 64;
    private static Path model;
    private static Path pairs;
    private static Path corpus;
    private static int queriesAndPositives;

    @BeforeAll
    static void writeData() {
        model = LOCAL.miniLm("minilm");
        List<Map<String, Object>> rows = Dataset.fromJsonl(SharedData.resolve("sts-b-en/train.jsonl")).stream().limit(90).toList();
        List<String> pairLines = new ArrayList<>();
        List<String> corpusLines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = new JsonObject();
            if (i < 16) {
                row.addProperty("query", (String) rows.get(i).get("sentence1"));
                row.addProperty("positive", (String) rows.get(i).get("sentence2"));
                pairLines.add(row.toString());
                if (i % 5 == 0) { // a second positive for some queries
                    JsonObject second = new JsonObject();
                    second.addProperty("query", (String) rows.get(i).get("sentence1"));
                    second.addProperty("positive", (String) rows.get(i + 40).get("sentence2"));
                    pairLines.add(second.toString());
                }
            } else {
                row.addProperty("id", "c" + i);
                row.addProperty("text", (String) rows.get(i).get(i % 2 == 0 ? "sentence1" : "sentence2"));
                corpusLines.add(row.toString());
            }
        }
        pairs = LOCAL.write("pairs.jsonl", pairLines);
        Set<String> queries = new HashSet<>();
        Set<String> positives = new HashSet<>();
        for (String line : pairLines) {
            JsonObject pair = JsonParser.parseString(line).getAsJsonObject();
            queries.add(pair.get("query").getAsString().strip());
            positives.add(pair.get("positive").getAsString().strip());
        }
        queriesAndPositives = queries.size() + positives.size();
        corpus = LOCAL.write("corpus.jsonl", corpusLines);
    }

    private static List<String> singleMachine(String name, OutputFormat format, boolean scores,
            Consumer<HardNegativeMiner.Builder> rules) throws IOException {
        Path output = LOCAL.path(name + "-single.jsonl");
        try (OnnxEncoder encoder = OnnxEncoder.builder(model).pooling("mean").maxLength(MAX_LENGTH).build()) {
            HardNegativeMiner.Builder builder = HardNegativeMiner.builder(encoder, Fingerprint.ofModel(model.toString())).format(format)
                    .includeScores(scores);
            rules.accept(builder);
            builder.build().mine(MiningInput.pairs(pairs).corpus(corpus).includeTitle(false), output);
        }
        return Files.readAllLines(output);
    }

    private static List<String> spark(NegativeSelection rules, OutputFormat format, boolean scores, int shards, String retriever) {
        SparkMiner miner = SparkMiner.builder(SparkEncoder.builder(model.toString()).pooling("mean").maxLength(MAX_LENGTH), rules)
                .format(format).includeScores(scores).shards(shards).retriever(retriever).build();
        return miner.mine(LOCAL.spark(), LOCAL.spark().read().json(pairs.toString()), LOCAL.spark().read().json(corpus.toString()))
                .collectAsList();
    }

    /** Same rows in the same order; numbers equal within 1e-6 (vectors come from differently composed batches). */
    private static void assertSameRows(List<String> actual, List<String> expected) {
        assertThat(actual).hasSameSizeAs(expected).isNotEmpty();
        for (int i = 0; i < expected.size(); i++) {
            assertSameJson(JsonParser.parseString(actual.get(i)), JsonParser.parseString(expected.get(i)), "row " + i);
        }
    }

    private static void assertSameJson(JsonElement actual, JsonElement expected, String where) {
        if (expected.isJsonPrimitive() && expected.getAsJsonPrimitive().isNumber()) {
            assertThat(actual.getAsDouble()).as(where).isCloseTo(expected.getAsDouble(), org.assertj.core.data.Offset.offset(1e-6));
        } else if (expected.isJsonArray()) {
            assertThat(actual.getAsJsonArray().size()).as(where).isEqualTo(expected.getAsJsonArray().size());
            for (int i = 0; i < expected.getAsJsonArray().size(); i++) {
                assertSameJson(actual.getAsJsonArray().get(i), expected.getAsJsonArray().get(i), where + "[" + i + "]");
            }
        } else if (expected.isJsonObject()) {
            assertThat(actual.getAsJsonObject().keySet()).as(where).containsExactlyElementsOf(expected.getAsJsonObject().keySet());
            for (String key : expected.getAsJsonObject().keySet()) {
                assertSameJson(actual.getAsJsonObject().get(key), expected.getAsJsonObject().get(key), where + "." + key);
            }
        } else {
            assertThat(actual).as(where).isEqualTo(expected);
        }
    }

    @Test
    void randomSamplingWithAFixedSeedGivesTheSingleMachineMinersTriplets() throws IOException {
        List<String> expected = singleMachine("random", OutputFormat.TRIPLET, true,
                builder -> builder.numNegatives(3).rangeMin(1).rangeMax(12).samplingStrategy("random").seed(7));
        NegativeSelection rules = NegativeSelection.builder().numNegatives(3).rangeMin(1).rangeMax(12).samplingStrategy("random").seed(7)
                .build();
        assertSameRows(spark(rules, OutputFormat.TRIPLET, true, 3, "exact"), expected);
    }

    @Test
    void marginsAndTheFlagFormatAgreeToo() throws IOException {
        List<String> expected = singleMachine("flag", OutputFormat.FLAG, true,
                builder -> builder.numNegatives(4).absoluteMargin(0.05).maxScore(0.9));
        NegativeSelection rules = NegativeSelection.builder().numNegatives(4).absoluteMargin(0.05).maxScore(0.9).build();
        assertSameRows(spark(rules, OutputFormat.FLAG, true, 2, "exact"), expected);
    }

    @Test
    void anHnswGraphPerShardFindsWhatExactSearchFinds() throws IOException {
        // shards of about 25 documents: ef_search 100 visits every node, so the graph's candidates are the exact ones
        List<String> expected = singleMachine("hnsw", OutputFormat.TRIPLET, true, builder -> builder.numNegatives(2).rangeMax(6));
        NegativeSelection rules = NegativeSelection.builder().numNegatives(2).rangeMax(6).build();
        assertSameRows(spark(rules, OutputFormat.TRIPLET, true, 4, "hnsw"), expected);
    }

    @Test
    void mineJobWritesJsonlAndMissingColumnsAreOneLine() throws IOException {
        String output = LOCAL.path("mined.jsonl").toString();
        StringWriter err = new StringWriter();
        int code = SparkJob.execute(new MineJob(), new String[] {"--model", model.toString(), "--pooling", "mean", "--max-length",
            String.valueOf(MAX_LENGTH), "--data", pairs.toString(), "--corpus", corpus.toString(), "--output", output, "--format", "ntuple",
            "--num-negatives", "2"}, new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        List<String> written = LOCAL.spark().read().textFile(output).collectAsList();
        List<String> expected = singleMachine("ntuple", OutputFormat.NTUPLE, false, builder -> builder.numNegatives(2));
        assertThat(written).containsExactlyInAnyOrderElementsOf(expected);

        StringWriter missing = new StringWriter();
        assertThat(SparkJob.execute(new MineJob(), new String[] {"--model", model.toString(), "--data", pairs.toString(),
            "--query-column", "question", "--output", LOCAL.path("never.jsonl").toString()}, new PrintWriter(missing))).isEqualTo(2);
        assertThat(missing.toString()).isEqualTo("MineJob: The pairs have no column 'question' (columns: positive, query)"
                + System.lineSeparator());
        assertThat(LOCAL.path("never.jsonl")).doesNotExist();
    }

    @Test
    void aCorpusEncodedByEncodeJobIsMinedWithItsVectors() throws IOException {
        String encoded = LOCAL.path("corpus-encoded.parquet").toString();
        StringWriter err = new StringWriter();
        assertThat(SparkJob.execute(new EncodeJob(), new String[] {"--model", model.toString(), "--pooling", "mean", "--max-length",
            String.valueOf(MAX_LENGTH), "--input", corpus.toString(), "--output", encoded}, new PrintWriter(err))).as(err.toString()).isZero();
        List<String> expected = singleMachine("encoded", OutputFormat.TRIPLET, true, builder -> builder.numNegatives(3));
        SparkMiner.Builder miner = SparkMiner.builder(SparkEncoder.builder(model.toString()).pooling("mean").maxLength(MAX_LENGTH),
                NegativeSelection.builder().numNegatives(3).build()).includeScores(true).shards(3);
        long before = ExecutorEncoders.textsEncoded();
        assertSameRows(miner.build().mine(LOCAL.spark(), LOCAL.spark().read().json(pairs.toString()), LOCAL.spark().read().parquet(encoded))
                .collectAsList(), expected);
        assertThat(ExecutorEncoders.textsEncoded() - before).as("texts encoded: the queries and positives, not the corpus again")
                .isEqualTo(queriesAndPositives);
        assertThatThrownBy(() -> miner.prompts("", "passage: ").build().mine(LOCAL.spark(), LOCAL.spark().read().json(pairs.toString()),
                LOCAL.spark().read().parquet(encoded))).isInstanceOf(RetrievalsException.class)
                .hasMessage("The corpus already has an 'embedding' column, encoded without a document prompt; drop the column or the"
                        + " document prompt");
    }

    @Test
    void aNullPositiveIsOneClearError() {
        List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create("q", null));
        org.apache.spark.sql.Dataset<Row> table = LOCAL.spark().createDataFrame(rows, new org.apache.spark.sql.types.StructType()
                .add("query", "string").add("positive", "string"));
        SparkMiner miner = SparkMiner.builder(SparkEncoder.builder(model.toString()).pooling("mean"), NegativeSelection.builder().build())
                .build();
        assertThatThrownBy(() -> miner.mine(LOCAL.spark(), table, null)).isInstanceOf(RetrievalsException.class)
                .hasMessage("Column 'positive' of the pairs is null in row 0; expected a text in every row");
    }
}
