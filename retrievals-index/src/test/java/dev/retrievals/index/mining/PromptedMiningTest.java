package dev.retrievals.index.mining;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.index.store.CorpusStore;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mining with a model saved with prompts and {@code include_prompt: false}: queries and the corpus
 * store are encoded through the model's masked query / document path, so the negatives and their
 * scores are those of a brute-force ranking over the model's own {@code encodeQueries} /
 * {@code encodeDocuments} vectors (which {@code PromptMaskingTest} checks against a hand mean), and
 * an explicit prompt option takes the saved prompt's place.
 */
class PromptedMiningTest {
    private static final List<String> CORPUS = List.of("the cell makes energy in its mitochondria", "vaccines train the immune system",
            "rivers carry sediment to the sea", "a short one", "proteins fold into shapes that decide their work",
            "stars burn hydrogen into helium");
    private static final List<String> QUERIES = List.of("how do cells make energy", "what do vaccines do");
    /** Each query's positive: a corpus position. */
    private static final int[] POSITIVES = {0, 1};

    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void saveModelWithMaskedPrompts() throws IOException {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 11);
        model = dir.resolve("prompted");
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(tiny.toString(), "mean",
                ModelOptions.defaults().withPrompts(new Prompts("query: find ", "passage of text: ", false)))) {
            encoder.save(model);
        }
    }

    @Test
    void negativesAndScoresAreThoseOfTheModelsMaskedQueryAndDocumentVectors() throws IOException {
        Path store = dir.resolve("store");
        Path output = dir.resolve("mined.jsonl");
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString())) {
            assertThat(encoder.prompts().includePrompt()).isFalse();
            HardNegativeMiner.builder(encoder, "prompted").numNegatives(CORPUS.size() - 1).includeScores(true).storeFolder(store)
                    .batchSize(4).build().mine(input(), output);
            float[][] queries = encoder.encodeQueries(QUERIES);
            float[][] documents = encoder.encodeDocuments(CORPUS);
            try (CorpusStore stored = CorpusStore.open(store)) {
                for (int d = 0; d < CORPUS.size(); d++) {
                    assertClose(stored.vector(d), PlainVectors.unit(documents[d]));
                }
            }
            assertMined(output, queries, documents);

            // The reference is not what the model gives with its prompts pooled: masking matters here.
            try (AutoModelForEmbedding pooled = AutoModelForEmbedding.fromPretrained(model.toString(), null,
                    ModelOptions.defaults().withIncludePrompt(true))) {
                assertThat(Math.abs(PlainVectors.cosine(pooled.encodeQueries(QUERIES)[0], pooled.encodeDocuments(CORPUS)[0])
                        - PlainVectors.cosine(queries[0], documents[0]))).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void explicitPromptsReplaceTheSavedOnesAndAreMaskedToo() throws IOException {
        Path output = dir.resolve("override.jsonl");
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString())) {
            HardNegativeMiner.builder(encoder, "prompted").numNegatives(CORPUS.size() - 1).includeScores(true).queryPrompt("")
                    .documentPrompt("doc: ").build().mine(input(), output);
            float[][] queries = encoder.encode(QUERIES);
            float[][] documents = encoder.encodeWithPrompt(CORPUS, "doc: ");
            assertMined(output, queries, documents);
        }
        // "doc: " left out of the pooling: a model whose saved document prompt is "doc: " gives the same document vectors.
        try (AutoModelForEmbedding docPrompted = AutoModelForEmbedding.fromPretrained(model.toString(), null,
                ModelOptions.defaults().withPrompts("", "doc: "));
                AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model.toString())) {
            float[][] expected = docPrompted.encodeDocuments(CORPUS);
            float[][] actual = encoder.encodeWithPrompt(CORPUS, "doc: ");
            for (int d = 0; d < CORPUS.size(); d++) {
                assertClose(actual[d], expected[d]);
            }
        }
    }

    /** The triplet rows hold, per query, every other document best first, scored by the cosine of the given vectors. */
    private static void assertMined(Path output, float[][] queries, float[][] documents) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            rows.add(JsonParser.parseString(line).getAsJsonObject());
        }
        assertThat(rows).hasSize(QUERIES.size() * (CORPUS.size() - 1));
        int row = 0;
        for (int q = 0; q < QUERIES.size(); q++) {
            int query = q;
            List<Integer> ranked = new ArrayList<>();
            for (int d = 0; d < CORPUS.size(); d++) {
                if (d != POSITIVES[q]) {
                    ranked.add(d);
                }
            }
            ranked.sort(Comparator.comparingDouble((Integer d) -> -PlainVectors.cosine(queries[query], documents[d])));
            for (int d : ranked) {
                JsonObject mined = rows.get(row++);
                assertThat(mined.get("query").getAsString()).isEqualTo(QUERIES.get(q));
                assertThat(mined.get("negative").getAsString()).isEqualTo(CORPUS.get(d));
                assertThat(mined.get("negative_score").getAsDouble()).isCloseTo(PlainVectors.cosine(queries[q], documents[d]), Offset.offset(1e-5));
                assertThat(mined.get("positive_score").getAsDouble())
                        .isCloseTo(PlainVectors.cosine(queries[q], documents[POSITIVES[q]]), Offset.offset(1e-5));
            }
        }
    }

    private MiningInput input() throws IOException {
        Path pairs = dir.resolve("pairs.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int q = 0; q < QUERIES.size(); q++) {
            lines.append("{\"query\": \"").append(QUERIES.get(q)).append("\", \"positive\": \"").append(CORPUS.get(POSITIVES[q]))
                    .append("\"}\n");
        }
        Files.writeString(pairs, lines);
        StringBuilder corpus = new StringBuilder();
        for (int d = 0; d < CORPUS.size(); d++) {
            corpus.append("{\"id\": \"d").append(d).append("\", \"text\": \"").append(CORPUS.get(d)).append("\"}\n");
        }
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        return MiningInput.pairs(pairs).corpus(dir.resolve("corpus.jsonl"));
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).isCloseTo(expected[i], Offset.offset(1e-5));
        }
    }
}
