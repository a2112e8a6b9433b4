package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reranker commands on a tiny model: train --task rerank (a new head, said in the log), evaluate
 * --sts and --reranking, rerank, export, mine with a reranker as --teacher; an embedding model given
 * as a reranker (and a reranker given as the model that mines) is one clear line.
 */
class RerankCommandsTest {
    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A BEIR folder: two queries, five documents, known judgments. */
    private Path beir() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("beir/qrels"));
        Files.writeString(folder.resolveSibling("corpus.jsonl"), """
                {"id": "d1", "text": "banana bread"}
                {"id": "d2", "text": "apple juice"}
                {"id": "d3", "text": "apple pie recipe easy"}
                {"id": "d4", "text": "car engine repair manual"}
                {"id": "d5", "text": "car wash"}
                """);
        Files.writeString(folder.resolveSibling("queries.jsonl"), """
                {"id": "q1", "text": "apple pie recipe"}
                {"id": "q2", "text": "car engine repair"}
                """);
        Files.writeString(folder.resolve("test.tsv"), "query-id\tcorpus-id\tscore\nq1\td3\t1\nq2\td4\t2\nq2\td5\t1\n");
        return folder.getParent();
    }

    @Test
    @Tag("slow")
    @Timeout(600)
    void trainEvaluateRerankAndExportAReranker() throws IOException {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 4);
        Path run = dir.resolve("run");
        String train = SharedData.resolve("sts-b-zh/train.jsonl").toString();
        String valid = SharedData.resolve("sts-b-zh/valid.jsonl").toString();
        Result trained = run("train", "--task", "rerank", "--model", tiny.toString(), "--data", train, "--score-scale", "5",
                "--max-steps", "2", "--batch-size", "4", "--output-dir", run.toString(), "--no-export");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonObject config = JsonParser.parseString(Files.readString(run.resolve("model/config.json"))).getAsJsonObject();
        assertThat(config.getAsJsonArray("architectures").get(0).getAsString()).isEqualTo("BertForSequenceClassification");
        assertThat(config.get("num_labels").getAsInt()).isEqualTo(1);

        Result sts = run("evaluate", "--model", run.toString(), "--sts", valid);
        assertThat(sts.exitCode()).as(sts.err()).isZero();
        assertThat(sts.out()).contains("spearman").contains("primary metric: spearman");

        Path beir = beir();
        Result evaluated = run("evaluate", "--model", run.toString(), "--reranking", beir.toString(), "--first-stage", tiny.toString(),
                "--top-k", "3");
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("ndcg@10").contains("first_stage_ndcg@10").contains("map@3");

        Path output = dir.resolve("reranked.jsonl");
        Result reranked = run("rerank", "--model", run.toString(), "--first-stage", tiny.toString(), "--data", beir.toString(),
                "--top-k", "3", "--output", output.toString());
        assertThat(reranked.exitCode()).as(reranked.err()).isZero();
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(2);
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertThat(first.get("query_id").getAsString()).isEqualTo("q1");
        assertThat(first.getAsJsonArray("hits")).hasSize(3);
        double previous = Double.POSITIVE_INFINITY;
        for (var hit : first.getAsJsonArray("hits")) {
            double score = hit.getAsJsonObject().get("score").getAsDouble();
            assertThat(score).isLessThanOrEqualTo(previous);
            previous = score;
        }

        Result exported = run("export", "--model", run.toString(), "--output", dir.resolve("onnx").toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(dir.resolve("onnx/model.onnx")).exists();
    }

    @Test
    void anEmbeddingModelGivenAsARerankerIsOneClearLine() throws IOException {
        Path tiny = TinyModelFolder.write(dir.resolve("embedding"), 1);
        Path beir = beir();
        Result evaluated = run("evaluate", "--model", tiny.toString(), "--reranking", beir.toString(), "--first-stage", tiny.toString());
        assertThat(evaluated.exitCode()).isEqualTo(2);
        assertThat(evaluated.err().strip().lines().count()).isEqualTo(1);
        assertThat(evaluated.err()).contains("is an embedding model, not a reranker");
        Result reranked = run("rerank", "--model", tiny.toString(), "--first-stage", tiny.toString(), "--data", beir.toString(),
                "--output", dir.resolve("out.jsonl").toString());
        assertThat(reranked.exitCode()).isEqualTo(2);
        assertThat(reranked.err()).contains("is an embedding model, not a reranker");
        assertThat(dir.resolve("out.jsonl")).doesNotExist();
        Result wrongLoss = run("train", "--task", "rerank", "--model", tiny.toString(), "--data",
                SharedData.resolve("sts-b-zh/train.jsonl").toString(), "--loss", "infonce", "--output-dir", dir.resolve("r").toString());
        assertThat(wrongLoss.exitCode()).isEqualTo(2);
        assertThat(wrongLoss.err()).contains("does not train a reranker").contains("bce, listwise_ce, margin_mse, distill_kl_div");
    }

    @Test
    void mineWithARerankerTeacherKeepsAndWritesItsPairScores() throws IOException {
        Path student = TinyModelFolder.write(dir.resolve("student"), 5);
        Path teacher = tinyReranker(dir.resolve("teacher"));
        Path beir = beir();
        Path output = dir.resolve("mined.jsonl");
        // range 0..10 holds every candidate of both queries, so the teacher alone picks the two negatives
        Result mined = run("mine", "--model", student.toString(), "--teacher", teacher.toString(), "--data", beir.toString(),
                "--split", "test", "--num-negatives", "2", "--range-max", "10", "--format", "flag", "--output", output.toString());
        assertThat(mined.exitCode()).as(mined.err()).isZero();
        assertThat(mined.out()).contains("wrote 2 flag rows").contains("scores by teacher");

        Map<String, String> corpus = new LinkedHashMap<>();
        for (String line : Files.readAllLines(beir.resolve("corpus.jsonl"))) {
            JsonObject document = JsonParser.parseString(line).getAsJsonObject();
            corpus.put(document.get("id").getAsString(), document.get("text").getAsString());
        }
        Map<String, List<String>> positives = Map.of("apple pie recipe", List.of("d3"), "car engine repair", List.of("d4", "d5"));
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(2);
        try (AutoModelForRanking reranker = AutoModelForRanking.fromPretrained(teacher.toString())) {
            for (String line : lines) {
                JsonObject row = JsonParser.parseString(line).getAsJsonObject();
                String query = row.get("query").getAsString();
                List<String> positiveTexts = positives.get(query).stream().map(corpus::get).toList();
                assertThat(texts(row, "pos")).containsExactlyElementsOf(positiveTexts);
                assertThat(numbers(row, "pos_scores")).containsExactly(scores(reranker, query, positiveTexts), within(1e-4));
                // every other document, ordered by the teacher's score with the query: the negatives are its best two
                List<String> others = new ArrayList<>(corpus.values());
                others.removeAll(positiveTexts);
                double[] otherScores = scores(reranker, query, others);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < others.size(); i++) {
                    order.add(i);
                }
                order.sort(Comparator.comparingDouble(i -> -otherScores[i]));
                assertThat(texts(row, "neg")).containsExactly(others.get(order.get(0)), others.get(order.get(1)));
                assertThat(numbers(row, "neg_scores")).containsExactly(new double[] {otherScores[order.get(0)], otherScores[order.get(1)]},
                        within(1e-4));
            }
        }

        Result rerankerAsModel = run("mine", "--model", teacher.toString(), "--data", beir.toString(), "--split", "test", "--output",
                dir.resolve("never.jsonl").toString());
        assertThat(rerankerAsModel.exitCode()).isEqualTo(2);
        assertThat(rerankerAsModel.err().strip().lines().count()).isEqualTo(1);
        assertThat(rerankerAsModel.err()).contains("is a reranker").contains("--teacher");
        assertThat(dir.resolve("never.jsonl")).doesNotExist();
    }

    @Test
    void aRerankerRefusesWhatOnlyAnEmbeddingModelTakes() throws IOException {
        Path reranker = tinyReranker(dir.resolve("reranker"));
        Path beir = beir();
        Path sts = Files.writeString(dir.resolve("sts.jsonl"), """
                {"sentence1": "a cat", "sentence2": "a kitten", "score": 4}
                {"sentence1": "a cat", "sentence2": "a car", "score": 1}
                """);
        Result onnx = run("evaluate", "--model", reranker.toString(), "--backend", "onnx", "--sts", sts.toString());
        assertThat(onnx.exitCode()).as(onnx.err()).isEqualTo(2);
        assertThat(onnx.err().strip().lines().count()).isEqualTo(1);
        assertThat(onnx.err()).contains("Model folder " + reranker + " has no model.onnx");
        Result store = run("evaluate", "--model", reranker.toString(), "--reranking", beir.toString(), "--first-stage",
                reranker.toString(), "--store", dir.resolve("store").toString());
        assertThat(store.exitCode()).as(store.err()).isEqualTo(2);
        assertThat(store.err()).contains("--store of 'evaluate' go with --retrieval DIR, not with --reranking DIR");
        assertThat(dir.resolve("store")).doesNotExist();
        Result retrieval = run("evaluate", "--model", reranker.toString(), "--retrieval", beir.toString());
        assertThat(retrieval.exitCode()).as(retrieval.err()).isEqualTo(2);
        assertThat(retrieval.err()).contains("is a reranker: evaluate it with --sts FILE, or with --reranking DIR");
        Path onePair = Files.writeString(dir.resolve("one-pair.jsonl"), """
                {"sentence1": "a cat", "sentence2": "a kitten", "score": 4}
                """);
        Result single = run("evaluate", "--model", reranker.toString(), "--sts", onePair.toString());
        assertThat(single.exitCode()).as(single.err()).isEqualTo(2);
        assertThat(single.err().strip().lines().count()).isEqualTo(1);
        assertThat(single.err()).contains(onePair + ": 1 sentence pairs; an STS evaluation needs at least 2");
    }

    @Test
    void onOnnxRuntimeAnExportScoresAsThePyTorchModelDoes() throws IOException {
        Path reranker = tinyReranker(dir.resolve("reranker"));
        Path base = dir.resolve("reranker-base");
        Path beir = beir();
        assertThat(run("export", "--model", reranker.toString(), "--output", dir.resolve("reranker-onnx").toString()).exitCode()).isZero();
        assertThat(run("export", "--model", base.toString(), "--output", dir.resolve("base-onnx").toString()).exitCode()).isZero();
        Path sts = Files.writeString(dir.resolve("sts.jsonl"), """
                {"sentence1": "apple pie", "sentence2": "apple pie recipe", "score": 5}
                {"sentence1": "a cat", "sentence2": "a car", "score": 1}
                {"sentence1": "car wash", "sentence2": "car engine", "score": 2}
                {"sentence1": "banana bread", "sentence2": "apple juice", "score": 0}
                """);

        Map<String, Double> pytorchSts = metrics("evaluate", "--model", reranker.toString(), "--sts", sts.toString());
        Map<String, Double> onnxSts = metrics("evaluate", "--model", dir.resolve("reranker-onnx").toString(), "--backend", "onnx",
                "--sts", sts.toString());
        Map<String, Double> pytorchReranking = metrics("evaluate", "--model", reranker.toString(), "--reranking", beir.toString(),
                "--first-stage", base.toString(), "--top-k", "4");
        Map<String, Double> onnxReranking = metrics("evaluate", "--model", dir.resolve("reranker-onnx").toString(), "--backend", "onnx",
                "--reranking", beir.toString(), "--first-stage", dir.resolve("base-onnx").toString(), "--top-k", "4");

        // two engines computing the same graphs: the same order of every list, so the same rank metrics
        assertThat(onnxSts.keySet()).isEqualTo(pytorchSts.keySet());
        pytorchSts.forEach((name, value) -> assertThat(onnxSts.get(name)).as(name).isCloseTo(value, within(1e-4)));
        assertThat(onnxReranking.keySet()).isEqualTo(pytorchReranking.keySet()).contains("ndcg@10", "first_stage_ndcg@10");
        pytorchReranking.forEach((name, value) -> assertThat(onnxReranking.get(name)).as(name).isCloseTo(value, within(1e-9)));
    }

    /** The metrics that a command writes with {@code --output FILE.json}. */
    private Map<String, Double> metrics(String... args) throws IOException {
        Path file = Files.createTempFile(dir, "metrics-", ".json");
        Files.delete(file);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--output", file.toString()));
        Result result = run(all.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        Map<String, Double> metrics = new TreeMap<>();
        JsonParser.parseString(Files.readString(file)).getAsJsonObject().entrySet()
                .forEach(entry -> metrics.put(entry.getKey(), entry.getValue().getAsDouble()));
        return metrics;
    }

    /** A saved cross-encoder: a tiny random BERT with a new head. */
    private static Path tinyReranker(Path folder) throws IOException {
        Path base = TinyModelFolder.write(folder.resolveSibling(folder.getFileName() + "-base"), 6);
        try (AutoModelForRanking reranker = AutoModelForRanking.builder(base.toString()).startHeadIfMissing(true).seed(7).build()) {
            reranker.save(folder);
        }
        return folder;
    }

    /** The teacher's scores of {@code query} with each document, one call per pair. */
    private static double[] scores(AutoModelForRanking reranker, String query, List<String> documents) {
        double[] scores = new double[documents.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = reranker.score(List.of(query), List.of(documents.get(i)))[0];
        }
        return scores;
    }

    private static List<String> texts(JsonObject row, String key) {
        List<String> texts = new ArrayList<>();
        row.getAsJsonArray(key).forEach(element -> texts.add(element.getAsString()));
        return texts;
    }

    private static double[] numbers(JsonObject row, String key) {
        return row.getAsJsonArray(key).asList().stream().mapToDouble(element -> element.getAsDouble()).toArray();
    }
}
