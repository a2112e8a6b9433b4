package dev.retrievals.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.SharedData;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each evaluator on a small subset of real data with the real bundled all-MiniLM-L6-v2 (on DJL
 * PyTorch, texts truncated at 128 tokens to keep the run short). The model must clearly beat a
 * baseline that hands back its own vectors for shuffled texts, and the STS figure must equal one
 * computed here from the model's vectors with independent arithmetic. Vectors are cached per text,
 * so the baselines and the check cost no extra model runs.
 */
class BundledModelEvaluationTest {
    private static final Path DATA = SharedData.folder();
    private static AutoModelForEmbedding model;
    private static CachingEncoder encoder;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadModel() {
        model = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", null, ModelOptions.defaults().withMaxLength(128));
        encoder = new CachingEncoder(model);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void stsOnTwoHundredPairsOfStsBenchmarkDev() {
        Path file = DATA.resolve("sts-b-en/dev.jsonl");
        StsEvaluator evaluator = StsEvaluator.builder(file).maxRows(200).batchSize(400).build();

        EvaluationResult result = evaluator.evaluate(encoder);
        double shuffled = evaluator.evaluate(new ShuffledEncoder(encoder, 11)).primary();
        System.out.printf("STSb dev, 200 pairs: spearman %.4f, pearson %.4f; shuffled baseline %.4f%n",
                result.primary(), result.metrics().get("pearson"), shuffled);

        assertThat(result.primary()).isCloseTo(independentSpearman(file, 200), within(1e-6));
        assertThat(result.primary()).isGreaterThan(0.7);
        assertThat(shuffled).isBetween(-0.3, 0.3);
        assertThat(result.metrics().get("pearson")).isGreaterThan(0.6);
    }

    @Test
    void retrievalOnASciFactSubset() {
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder(DATA.resolve("scifact"))
                .maxQueries(15).maxCorpusSize(60).batchSize(256).kValues(List.of(1, 10, 100)).build();

        EvaluationResult result = evaluator.evaluate(encoder);
        EvaluationResult shuffled = evaluator.evaluate(new ShuffledEncoder(encoder, 12));
        Map<String, Double> metrics = result.metrics();
        System.out.printf("SciFact test, %d queries over %d documents: ndcg@10 %.4f, mrr@10 %.4f, recall@100 %.4f; "
                        + "shuffled baseline ndcg@10 %.4f%n", evaluator.queryCount(), evaluator.corpusSize(), result.primary(),
                metrics.get("mrr@10"), metrics.get("recall@100"), shuffled.primary());

        assertThat(evaluator.queryCount()).isEqualTo(15);
        assertThat(evaluator.corpusSize()).isEqualTo(60);
        assertThat(result.primaryMetric()).isEqualTo("ndcg@10");
        assertThat(result.primary()).isCloseTo(independentNdcgAt10(DATA.resolve("scifact"), 15, 60), within(1e-6));
        assertThat(result.primary()).isGreaterThan(0.5).isGreaterThan(shuffled.primary() + 0.3);
        assertThat(metrics.get("recall@100")).isGreaterThanOrEqualTo(metrics.get("recall@10"));
        assertThat(metrics.get("accuracy@10")).isGreaterThanOrEqualTo(metrics.get("recall@10"));
    }

    @Test
    void classificationOnABanking77Subset() throws IOException {
        List<String> labels = firstLabels(DATA.resolve("banking77/test.jsonl"), 8);
        Path train = subset(DATA.resolve("banking77/train.jsonl"), labels, 10, "train.jsonl");
        Path test = subset(DATA.resolve("banking77/test.jsonl"), labels, 6, "test.jsonl");
        ClassificationEvaluator evaluator = ClassificationEvaluator.builder(train, test).batchSize(256).build();

        EvaluationResult result = evaluator.evaluate(encoder);
        EvaluationResult shuffled = evaluator.evaluate(new ShuffledEncoder(encoder, 13));
        System.out.printf("banking77, 8 intents, 80 train / 48 test texts: knn %.4f, centroid %.4f; shuffled baseline %.4f%n",
                result.primary(), result.metrics().get("centroid_accuracy"), shuffled.primary());

        double chance = 1.0 / labels.size();
        assertThat(result.primary()).isGreaterThan(0.6).isGreaterThan(shuffled.primary() + 0.3);
        assertThat(result.metrics().get("centroid_accuracy")).isGreaterThan(0.6);
        assertThat(shuffled.primary()).isLessThan(chance + 0.2);
    }

    /** Spearman from the model's vectors with plain arithmetic: ranks by counting, Pearson by sums. */
    private static double independentSpearman(Path file, int rows) {
        List<Map<String, Object>> pairs = Dataset.fromJsonl(file).take(rows).toList();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        double[] gold = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            first.add((String) pairs.get(i).get("sentence1"));
            second.add((String) pairs.get(i).get("sentence2"));
            gold[i] = ((Number) pairs.get(i).get("score")).doubleValue();
        }
        float[][] a = encoder.encode(first);
        float[][] b = encoder.encode(second);
        double[] cosines = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            cosines[i] = PlainMath.cosine(a[i], b[i]);
        }
        return PlainMath.pearsonBySums(PlainMath.ranksByCounting(cosines), PlainMath.ranksByCounting(gold));
    }

    /**
     * nDCG@10 with binary gains, from a full sort of plain cosines, on the subset the options
     * describe: the first {@code queries} judged queries of {@code qrels/test.tsv}, their judged
     * documents, and the first other documents of the corpus up to {@code corpusSize} in all.
     */
    private static double independentNdcgAt10(Path folder, int queries, int corpusSize) {
        Map<String, List<String>> relevant = new LinkedHashMap<>();
        for (Map<String, Object> row : Dataset.fromTsv(folder.resolve("qrels/test.tsv"))) {
            String query = (String) row.get("query-id");
            if (relevant.containsKey(query) || relevant.size() < queries) {
                relevant.computeIfAbsent(query, id -> new ArrayList<>()).add((String) row.get("corpus-id"));
            }
        }
        List<String> judged = relevant.values().stream().flatMap(List::stream).distinct().toList();
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int others = corpusSize - judged.size();
        for (Map<String, Object> doc : Dataset.fromJsonl(folder.resolve("corpus.jsonl"))) {
            boolean isJudged = judged.contains(doc.get("id"));
            if (isJudged || others-- > 0) {
                ids.add((String) doc.get("id"));
                texts.add(doc.get("title") + " " + doc.get("text"));
            }
        }
        Map<String, String> queryTexts = new LinkedHashMap<>();
        for (Map<String, Object> query : Dataset.fromJsonl(folder.resolve("queries.jsonl"))) {
            queryTexts.put((String) query.get("id"), (String) query.get("text"));
        }
        float[][] documents = encoder.encode(texts);
        double sum = 0;
        for (Map.Entry<String, List<String>> query : relevant.entrySet()) {
            float[] vector = encoder.encode(List.of(queryTexts.get(query.getKey())))[0];
            List<Integer> order = new ArrayList<>();
            for (int d = 0; d < documents.length; d++) {
                order.add(d);
            }
            order.sort((a, b) -> Double.compare(PlainMath.cosine(vector, documents[b]), PlainMath.cosine(vector, documents[a])));
            double dcg = 0;
            double ideal = 0;
            for (int rank = 1; rank <= 10; rank++) {
                dcg += query.getValue().contains(ids.get(order.get(rank - 1))) ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
                ideal += rank <= query.getValue().size() ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
            }
            sum += dcg / ideal;
        }
        return sum / relevant.size();
    }

    private static List<String> firstLabels(Path file, int count) {
        List<String> labels = new ArrayList<>();
        for (Map<String, Object> row : Dataset.fromJsonl(file)) {
            String label = (String) row.get("label");
            if (!labels.contains(label)) {
                labels.add(label);
                if (labels.size() == count) {
                    break;
                }
            }
        }
        return labels;
    }

    /** The first {@code perLabel} rows of each label, written as JSON Lines into the test's folder. */
    private Path subset(Path file, List<String> labels, int perLabel, String name) throws IOException {
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        Gson gson = new Gson();
        for (Map<String, Object> row : Dataset.fromJsonl(file)) {
            String label = (String) row.get("label");
            if (labels.contains(label) && taken.merge(label, 1, Integer::sum) <= perLabel) {
                lines.add(gson.toJson(row));
            }
        }
        return Files.write(dir.resolve(name), lines);
    }
}
