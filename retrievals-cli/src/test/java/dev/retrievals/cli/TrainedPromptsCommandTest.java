package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.core.testing.TinyModelFolder;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collator's {@code query_prompt} reaches the trained model: {@code train} saves it in the run
 * folder's model, and {@code encode --model RUN --role query} then puts it before every text,
 * pooled with the text ({@code include_prompt} true), or left out of the pooling with
 * {@code --no-include-prompt}; {@code train --no-include-prompt} saves {@code include_prompt: false}.
 */
class TrainedPromptsCommandTest {
    /** No trailing space: the command line trims option values. */
    private static final String PROMPT = "search query:";
    private static final List<String> QUERIES = List.of("how do cells make energy", "what do vaccines do", "why is the sky blue");

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aTrainedQueryPromptIsSavedAndUsedByEncode() throws Exception {
        Path tiny = TinyModelFolder.write(dir.resolve("tiny"), 7, 0);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pairs.add("{\"query\": \"question " + i + " about cells\", \"positive\": \"cells answer " + i + "\"}");
        }
        Files.write(dir.resolve("pairs.jsonl"), pairs, StandardCharsets.UTF_8);
        Files.write(dir.resolve("queries.txt"), QUERIES, StandardCharsets.UTF_8);
        CliProcess cli = new CliProcess(dir, List.of("-Xmx1g"), Duration.ofMinutes(10));
        String[] train = {"train", "--model", tiny.toString(), "--pooling", "mean", "--data", "pairs.jsonl", "--loss", "infonce", "--max-steps", "2",
            "--batch-size", "4", "--no-export", "--collator-option", "query_prompt=" + PROMPT};

        CliProcess.Result trained = cli.run(concat(train, "--output-dir", "run"));
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path model = dir.resolve("run/model");
        assertThat(json(model.resolve("config_sentence_transformers.json")).getAsJsonObject("prompts").get("query").getAsString())
                .isEqualTo(PROMPT);
        assertThat(json(model.resolve("1_Pooling/config.json")).get("include_prompt").getAsBoolean()).isTrue();

        CliProcess.Result pooled = cli.run("encode", "--model", "run", "--role", "query", "--input", "queries.txt", "--output", "pooled.jsonl");
        assertThat(pooled.exitCode()).as(pooled.err()).isZero();
        CliProcess.Result masked = cli.run("encode", "--model", "run", "--role", "query", "--no-include-prompt", "--input", "queries.txt",
                "--output", "masked.jsonl");
        assertThat(masked.exitCode()).as(masked.err()).isZero();

        float[][] byHand;
        try (AutoModelForEmbedding plain = AutoModelForEmbedding.fromPretrained(model.toString(), null,
                ModelOptions.defaults().withPrompts("", ""))) {
            byHand = plain.encode(QUERIES.stream().map(query -> PROMPT + query).toList());
        }
        float[][] withoutPrompt;
        try (AutoModelForEmbedding maskedModel = AutoModelForEmbedding.fromPretrained(model.toString(), null,
                ModelOptions.defaults().withIncludePrompt(false))) {
            withoutPrompt = maskedModel.encodeQueries(QUERIES);
        }
        float[][] pooledVectors = embeddings(dir.resolve("pooled.jsonl"));
        float[][] maskedVectors = embeddings(dir.resolve("masked.jsonl"));
        for (int q = 0; q < QUERIES.size(); q++) {
            assertClose(pooledVectors[q], PlainVectors.unit(byHand[q]));
            assertClose(maskedVectors[q], PlainVectors.unit(withoutPrompt[q]));
            double largest = 0;
            for (int d = 0; d < pooledVectors[q].length; d++) {
                largest = Math.max(largest, Math.abs(pooledVectors[q][d] - maskedVectors[q][d]));
            }
            assertThat(largest).as("masking changes the vector").isGreaterThan(1e-3);
        }

        CliProcess.Result trainedMasked = cli.run(concat(train, "--output-dir", "run-masked", "--no-include-prompt"));
        assertThat(trainedMasked.exitCode()).as(trainedMasked.err()).isZero();
        assertThat(json(dir.resolve("run-masked/model/1_Pooling/config.json")).get("include_prompt").getAsBoolean()).isFalse();
        assertThat(json(dir.resolve("run-masked/run.json")).get("include_prompt").getAsBoolean()).isFalse();
    }

    @Test
    void aConfigurationSetsIncludePromptAndRefusesAnythingButABoolean() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"include_prompt\": false}");
        assertThat(TrainConfig.read(dir.resolve("a.json")).includePrompt).isFalse();
        Files.writeString(dir.resolve("b.json"), "{}");
        assertThat(TrainConfig.read(dir.resolve("b.json")).includePrompt).isNull();
        Files.writeString(dir.resolve("c.json"), "{\"include_prompt\": \"no\"}");
        assertThatThrownBy(() -> TrainConfig.read(dir.resolve("c.json")))
                .hasMessage("configuration file " + dir.resolve("c.json") + ": 'include_prompt' is \"no\"; expected true or false");
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    private static float[][] embeddings(Path jsonl) throws IOException {
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        float[][] vectors = new float[lines.size()][];
        for (int i = 0; i < lines.size(); i++) {
            JsonArray values = JsonParser.parseString(lines.get(i)).getAsJsonObject().getAsJsonArray("embedding");
            vectors[i] = new float[values.size()];
            for (int d = 0; d < values.size(); d++) {
                vectors[i][d] = values.get(d).getAsFloat();
            }
        }
        return vectors;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int d = 0; d < actual.length; d++) {
            assertThat((double) actual[d]).isCloseTo(expected[d], within(1e-5));
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
