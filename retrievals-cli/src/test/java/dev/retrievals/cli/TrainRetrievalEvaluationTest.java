package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.eval.RetrievalEvaluator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrievals train --eval-retrieval DIR --eval-split S --retriever hnsw}: the before/after
 * table holds the retrieval metrics of the base and the trained model, as the retrieval evaluator
 * computes them in this JVM, and HNSW's recall against exact search; {@code eval.retrieval} in a
 * configuration is a folder or the evaluator's options.
 */
class TrainRetrievalEvaluationTest {
    private static final Pattern TABLE_ROW = Pattern.compile("(\\S+) +(-?[0-9.]+) +(-?[0-9.]+)");

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void theTableHoldsRetrievalMetricsBeforeAndAfterTraining() throws Exception {
        SciFactSlice slice = SciFactSlice.write(dir.resolve("slice"), 30, 120);
        Path model = TinyModelFolder.write(dir.resolve("tiny"), 9, 0);
        List<String> pairs = new ArrayList<>();
        slice.judgments.forEach((query, documents) -> pairs.add(new com.google.gson.Gson().toJson(
                Map.of("query", slice.queries.get(query), "positive", slice.documentText(documents.get(0))))));
        Files.write(dir.resolve("pairs.jsonl"), pairs, StandardCharsets.UTF_8);

        CliProcess.Result train = new CliProcess(dir, List.of("-Xmx2g"), Duration.ofMinutes(10)).run("train", "--model", model.toString(),
                "--data", "pairs.jsonl", "--loss", "infonce", "--max-steps", "2", "--batch-size", "8", "--learning-rate", "1e-3",
                "--no-export", "--output-dir", "run", "--eval-retrieval", slice.folder.toString(), "--eval-split", "train",
                "--retriever", "hnsw");
        assertThat(train.exitCode()).as(train.err()).isZero();
        Map<String, double[]> table = new LinkedHashMap<>();
        for (String line : train.out().lines().toList()) {
            Matcher row = TABLE_ROW.matcher(line);
            if (row.matches()) {
                table.put(row.group(1), new double[] {Double.parseDouble(row.group(2)), Double.parseDouble(row.group(3))});
            }
        }
        assertThat(table).containsOnlyKeys("ndcg@10", "mrr@10", "recall@10", "recall@100", "map@100", "hnsw_recall@10");

        RetrievalEvaluator evaluator = RetrievalEvaluator.builder(slice.folder).split("train").retriever("hnsw", Map.of()).build();
        Map<String, Double> before;
        Map<String, Double> after;
        try (AutoModelForEmbedding base = AutoModelForEmbedding.fromPretrained(model.toString())) {
            before = evaluator.evaluate(base).metrics();
        }
        try (AutoModelForEmbedding trained = AutoModelForEmbedding.fromPretrained(dir.resolve("run/model").toString())) {
            EvaluationResult result = evaluator.evaluate(trained);
            after = result.metrics();
        }
        for (String metric : List.of("ndcg@10", "recall@100", "hnsw_recall@10")) {
            assertThat(table.get(metric)[0]).as("%s before", metric).isCloseTo(before.get(metric), within(5.1e-5));
            assertThat(table.get(metric)[1]).as("%s after", metric).isCloseTo(after.get(metric), within(5.1e-5));
        }
        assertThat(table.get("ndcg@10")[1]).as("two steps at a high rate change the model").isNotEqualTo(table.get("ndcg@10")[0]);
        String evaluation = Files.readString(dir.resolve("run/evaluation.json"));
        assertThat(evaluation).contains("ndcg@100").contains("map@10");
    }

    @Test
    void aConfigurationNamesTheRetrievalFolderOrTheEvaluatorsOptions() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"eval\": {\"retrieval\": \"scifact\"}}");
        assertThat(TrainConfig.read(dir.resolve("a.json")).evalRetrieval).isEqualTo(Map.of("path", dir.resolve("scifact").toString()));
        Files.writeString(dir.resolve("b.json"), "{\"eval\": {\"sts\": \"dev.jsonl\", \"retrieval\": {\"path\": \"scifact\","
                + " \"split\": \"dev\", \"retriever\": \"hnsw\", \"max_queries\": 50}}}");
        TrainConfig config = TrainConfig.read(dir.resolve("b.json"));
        assertThat(config.evalSts).isEqualTo(dir.resolve("dev.jsonl"));
        assertThat(config.evalRetrieval).isEqualTo(Map.of("path", dir.resolve("scifact").toString(), "split", "dev", "retriever", "hnsw",
                "max_queries", "50"));
        Files.writeString(dir.resolve("c.json"), "{\"eval\": {\"retreival\": \"scifact\"}}");
        assertThatThrownBy(() -> TrainConfig.read(dir.resolve("c.json"))).hasMessageContaining("'eval.retreival'")
                .hasMessageContaining("unknown evaluator 'retreival'");
        Files.writeString(dir.resolve("d.json"), "{\"eval\": {\"retrieval\": {\"split\": \"dev\"}}}");
        assertThatThrownBy(() -> TrainConfig.read(dir.resolve("d.json"))).hasMessageContaining("'eval.retrieval' needs \"path\"");
    }
}
