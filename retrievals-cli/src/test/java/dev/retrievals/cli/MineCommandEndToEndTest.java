package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrievals mine} as a user runs it (a JVM per call), on 50 SciFact train queries and a
 * corpus of 200 abstracts, with tiny random BERTs as model and teacher so the runs stay short. The
 * mined rows are checked against cosine similarities computed in this JVM by brute force: the
 * positives are the judged abstracts, the negatives the best-scoring other abstracts, the scores
 * the model's (or the teacher's); the files then train as they are, with the collator chosen from
 * their columns.
 */
@Tag("slow")
class MineCommandEndToEndTest {
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path shared;

    static SciFactSlice slice;
    static Path model;
    static Path teacher;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeDataAndModels() throws IOException {
        slice = SciFactSlice.write(shared.resolve("scifact-slice"), 50, 200);
        model = TinyModelFolder.write(shared.resolve("tiny"), 7, 0);
        teacher = TinyModelFolder.write(shared.resolve("teacher"), 11, 0);
    }

    private CliProcess.Result run(String... args) throws IOException {
        return new CliProcess(dir, List.of("-Xmx2g"), DEADLINE).run(args);
    }

    /** Cosine similarities of every query with every document of the slice, by brute force. */
    private static Map<String, Map<String, Double>> cosines(Path modelFolder) {
        List<String> queryIds = new ArrayList<>(slice.queries.keySet());
        List<String> documentIds = new ArrayList<>(slice.documents.keySet());
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(modelFolder.toString())) {
            float[][] queries = encoder.encode(queryIds.stream().map(slice.queries::get).toList());
            float[][] documents = encoder.encode(documentIds.stream().map(slice::documentText).toList());
            Map<String, Map<String, Double>> cosines = new HashMap<>();
            for (int q = 0; q < queries.length; q++) {
                Map<String, Double> row = new HashMap<>();
                for (int d = 0; d < documents.length; d++) {
                    row.put(documentIds.get(d), PlainVectors.cosine(queries[q], documents[d]));
                }
                cosines.put(queryIds.get(q), row);
            }
            return cosines;
        }
    }

    /** The model's scores of the documents that are no positive (by id or text) of a query, best first, one per distinct text. */
    private static List<Double> candidateScores(String queryId, Map<String, Double> scores) {
        Set<String> positiveTexts = new HashSet<>();
        slice.judgments.get(queryId).forEach(id -> positiveTexts.add(slice.documentText(id)));
        List<String> ranked = new ArrayList<>(scores.keySet());
        ranked.sort(Comparator.comparingDouble((String id) -> -scores.get(id)));
        Set<String> seen = new HashSet<>(positiveTexts);
        List<Double> result = new ArrayList<>();
        for (String id : ranked) {
            if (!slice.judgments.get(queryId).contains(id) && seen.add(slice.documentText(id))) {
                result.add(scores.get(id));
            }
        }
        return result;
    }

    private static String queryId(String text) {
        return slice.queries.entrySet().stream().filter(e -> e.getValue().equals(text)).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static List<JsonObject> rows(Path file) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return rows;
    }

    private static List<String> texts(JsonArray array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.getAsString()));
        return texts;
    }

    private static JsonObject collatorOf(Path runFolder) throws IOException {
        return JsonParser.parseString(Files.readString(runFolder.resolve("run.json"))).getAsJsonObject().getAsJsonObject("collator");
    }

    private String[] train(String data, String loss, String output) {
        return new String[] {"train", "--model", model.toString(), "--data", data, "--loss", loss, "--max-steps", "2", "--batch-size", "8",
            "--collator-option", "query_max_length=32", "--collator-option", "document_max_length=48", "--no-export", "--output-dir",
            output};
    }

    @Test
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aFlagFileOfTheTopNegativesTrainsAsItIsWithInfoNceAndMarginMse() throws Exception {
        CliProcess.Result mine = run("mine", "--model", model.toString(), "--data", slice.folder.toString(), "--split", "train",
                "--num-negatives", "3", "--format", "flag", "--output", "mined.jsonl", "--store", "store");
        assertThat(mine.exitCode()).as(mine.err()).isZero();
        List<JsonObject> rows = rows(dir.resolve("mined.jsonl"));
        assertThat(rows).hasSize(50);

        Map<String, Map<String, Double>> cosines = cosines(model);
        for (JsonObject row : rows) {
            assertThat(row.keySet()).containsExactly("query", "pos", "neg", "pos_scores", "neg_scores");
            String query = queryId(row.get("query").getAsString());
            List<String> expectedPositives = slice.judgments.get(query).stream().map(slice::documentText).toList();
            assertThat(texts(row.getAsJsonArray("pos"))).containsExactlyElementsOf(expectedPositives);
            for (int p = 0; p < expectedPositives.size(); p++) {
                double expected = cosines.get(query).get(slice.judgments.get(query).get(p));
                assertThat(row.getAsJsonArray("pos_scores").get(p).getAsDouble()).isCloseTo(expected, within(TOLERANCE));
            }
            List<String> negatives = texts(row.getAsJsonArray("neg"));
            assertThat(negatives).hasSize(3).doesNotContainAnyElementsOf(expectedPositives).doesNotHaveDuplicates();
            List<Double> best = candidateScores(query, cosines.get(query));
            for (int n = 0; n < 3; n++) {
                // the n-th negative is the n-th best candidate (compared by score, so exact ties may swap places)
                assertThat(row.getAsJsonArray("neg_scores").get(n).getAsDouble()).as("query %s negative %d", query, n)
                        .isCloseTo(best.get(n), within(TOLERANCE));
            }
        }
        assertThat(mine.out()).contains("wrote 50 flag rows to mined.jsonl")
                .contains("queries 50 (skipped without qrels 0, without negatives 0), rows 50, negatives per query 3.00")
                .contains("scores by model").contains("positive   count").contains("dropped    {positive_id=").contains("seconds");
        assertThat(dir.resolve("store/vectors.npy")).as("--store keeps the corpus encoding").isRegularFile();

        // evaluate --store reuses the store mine wrote with the same model, and scores as a fresh encoding does
        CliProcess.Result kept = run("evaluate", "--model", model.toString(), "--retrieval", slice.folder.toString(), "--split", "train",
                "--store", "store");
        CliProcess.Result fresh = run("evaluate", "--model", model.toString(), "--retrieval", slice.folder.toString(), "--split", "train");
        assertThat(kept.exitCode()).as(kept.err()).isZero();
        assertThat(kept.err()).contains("matches the corpus and model: reused").doesNotContain("encode corpus");
        assertThat(kept.out()).contains("ndcg@10").isEqualTo(fresh.out());

        CliProcess.Result infonce = run(train("mined.jsonl", "infonce", "run-infonce"));
        assertThat(infonce.exitCode()).as(infonce.err()).isZero();
        assertThat(collatorOf(dir.resolve("run-infonce")).get("name").getAsString()).isEqualTo("group");
        assertThat(collatorOf(dir.resolve("run-infonce")).getAsJsonObject("options").has("with_scores")).isFalse();

        CliProcess.Result marginMse = run(train("mined.jsonl", "margin_mse", "run-margin-mse"));
        assertThat(marginMse.exitCode()).as(marginMse.err()).isZero();
        JsonObject collator = collatorOf(dir.resolve("run-margin-mse"));
        assertThat(collator.get("name").getAsString()).isEqualTo("group");
        assertThat(collator.getAsJsonObject("options").get("with_scores").getAsBoolean()).isTrue();
        assertThat(dir.resolve("run-margin-mse/model/model.safetensors")).isRegularFile();
    }

    @Test
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void teacherScoresInNTuplesDecideTheOrderAndTrainMarginMse() throws Exception {
        CliProcess.Result mine = run("mine", "--model", model.toString(), "--teacher", teacher.toString(), "--data",
                slice.folder.toString(), "--num-negatives", "2", "--format", "ntuple", "--output", "tuples.jsonl");
        assertThat(mine.exitCode()).as(mine.err()).isZero();
        assertThat(mine.out()).contains("scores by teacher");
        List<JsonObject> rows = rows(dir.resolve("tuples.jsonl"));
        int pairs = slice.judgments.values().stream().mapToInt(List::size).sum();
        assertThat(rows).hasSize(pairs); // one row per (query, positive), every query having two negatives

        Map<String, Map<String, Double>> student = cosines(model);
        Map<String, Map<String, Double>> teacherCosines = cosines(teacher);
        Map<String, String> idOfText = new LinkedHashMap<>();
        slice.documents.keySet().forEach(id -> idOfText.putIfAbsent(slice.documentText(id), id));
        for (JsonObject row : rows) {
            assertThat(row.keySet()).containsExactly("query", "positive", "negative_1", "negative_2", "score");
            String query = queryId(row.get("query").getAsString());
            String positive = idOfText.get(row.get("positive").getAsString());
            String first = idOfText.get(row.get("negative_1").getAsString());
            String second = idOfText.get(row.get("negative_2").getAsString());
            JsonArray score = row.getAsJsonArray("score");
            assertThat(score.get(0).getAsDouble()).isCloseTo(teacherCosines.get(query).get(positive), within(TOLERANCE));
            assertThat(score.get(1).getAsDouble()).isCloseTo(teacherCosines.get(query).get(first), within(TOLERANCE));
            assertThat(score.get(2).getAsDouble()).isCloseTo(teacherCosines.get(query).get(second), within(TOLERANCE));
            assertThat(score.get(1).getAsDouble()).as("listed best first by the teacher").isGreaterThanOrEqualTo(score.get(2).getAsDouble());
            // the window (range_max = 2) is the model's two best candidates, whichever order the teacher gives them
            List<Double> best = candidateScores(query, student.get(query));
            assertThat(student.get(query).get(first)).isGreaterThanOrEqualTo(best.get(1) - TOLERANCE);
            assertThat(student.get(query).get(second)).isGreaterThanOrEqualTo(best.get(1) - TOLERANCE);
        }

        CliProcess.Result marginMse = run(train("tuples.jsonl", "margin_mse", "run-ntuple"));
        assertThat(marginMse.exitCode()).as(marginMse.err()).isZero();
        JsonObject collator = collatorOf(dir.resolve("run-ntuple"));
        assertThat(collator.get("name").getAsString()).isEqualTo("ntuple");
        assertThat(collator.getAsJsonObject("options").get("num_negatives").getAsInt()).as("read from the file").isEqualTo(2);
        assertThat(collator.getAsJsonObject("options").get("with_scores").getAsBoolean()).isTrue();
    }
}
