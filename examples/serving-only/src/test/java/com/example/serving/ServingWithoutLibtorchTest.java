package com.example.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * This project depends on retrievals-onnx-inference alone (through the BOM): it finds real Chinese
 * Wikipedia paragraphs for real questions (CMRC 2018 trial) with bge-small-zh-v1.5, while no class of
 * DJL's PyTorch engine and no libtorch is on its class path.
 */
class ServingWithoutLibtorchTest {
    private static final int PARAGRAPHS = 30;

    @TempDir
    Path folder;

    @Test
    void thePyTorchEngineAndLibtorchAreNotOnTheClassPath() {
        assertThatThrownBy(() -> Class.forName("ai.djl.pytorch.engine.PtEngine")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.retrievals.pytorch.AutoModelForEmbedding"))
                .isInstanceOf(ClassNotFoundException.class);
        // pytorch-native-* jars hold native/lib/pytorch.properties, pytorch-jni holds jnilib/pytorch.properties.
        assertThat(getClass().getClassLoader().getResource("native/lib/pytorch.properties")).isNull();
        assertThat(getClass().getClassLoader().getResource("jnilib/pytorch.properties")).isNull();
        List<String> classPath = classPath();
        assertThat(classPath).as("the test class path").anyMatch(entry -> entry.contains("onnxruntime"));
        assertThat(classPath).noneMatch(entry -> entry.contains("pytorch") || entry.contains("libtorch"));
    }

    @Test
    @Timeout(300)
    void realQuestionsFindTheirParagraphsWithOnnxRuntimeAlone() throws Exception {
        Path model = Files.createDirectories(folder.resolve("bge-small-zh-v1.5"));
        copyResource("/bge-small-zh-v1.5.onnx", model.resolve("model.onnx"));
        copyResource("/bge-small-zh-v1.5-tokenizer.json", model.resolve("tokenizer.json"));

        Map<String, String> paragraphs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SharedData.resolve("cmrc2018-trial-retrieval-zh/corpus.jsonl"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            if (paragraphs.size() < PARAGRAPHS) {
                paragraphs.put(row.get("id").getAsString(), row.get("text").getAsString());
            }
        }
        // The first question about each paragraph (qrels: question TRIAL_n_QUERY_k belongs to paragraph TRIAL_n).
        Map<String, String> questions = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SharedData.resolve("cmrc2018-trial-retrieval-zh/queries.jsonl"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            String paragraph = row.get("id").getAsString().replaceFirst("_QUERY_\\d+$", "");
            if (paragraphs.containsKey(paragraph)) {
                questions.putIfAbsent(paragraph, row.get("text").getAsString());
            }
        }
        assertThat(questions).hasSize(PARAGRAPHS);

        try (SemanticSearch search = new SemanticSearch(model, "cls", new ArrayList<>(paragraphs.values()))) {
            float[] vector = search.embed(questions.values().iterator().next());
            assertThat(vector).hasSize(512);
            double norm = Math.sqrt(Arrays.stream(toDoubles(vector)).map(v -> v * v).sum());
            assertThat(norm).isCloseTo(1.0, within(1e-5));
            int found = 0;
            for (Map.Entry<String, String> question : questions.entrySet()) {
                if (search.search(question.getValue(), 3).contains(paragraphs.get(question.getKey()))) {
                    found++;
                }
            }
            // Chance is 3 in 30; bge-small-zh-v1.5 put 29 of the 30 in its top 3 when this was written.
            assertThat(found).as("questions whose paragraph is in the top 3 of %d", PARAGRAPHS).isGreaterThanOrEqualTo(24);
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    private static List<String> classPath() {
        // Surefire runs tests from a manifest-only jar; the real class path is in this property.
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(path.split(java.io.File.pathSeparator));
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = ServingWithoutLibtorchTest.class.getResourceAsStream(name)) {
            assertThat(in).as("resource %s", name).isNotNull();
            Files.copy(in, target);
        }
        assertThat(Files.size(target)).isPositive();
    }
}
