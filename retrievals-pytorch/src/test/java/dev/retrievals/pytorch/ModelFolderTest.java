package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hugging Face folders written by the test load, run, save and reload; broken folders fail naming the problem. */
class ModelFolderTest {
    private static final List<String> TEXTS = List.of("hello world", "a somewhat longer sentence for padding", "x");

    @TempDir
    Path dir;

    /** Writes config.json, model.safetensors and tokenizer.json of a tiny random model. */
    private Path writeTinyFolder(String configJson, Map<String, NDArray> overrides, String... dropped) throws Exception {
        Path folder = dir.resolve("tiny");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), configJson);
        Files.write(folder.resolve("tokenizer.json"), TinyModels.miniLmTokenizerJson());
        TransformerConfig config = TransformerConfig.parse(configJson, "tiny");
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            Map<String, NDArray> arrays = new LinkedHashMap<>(TinyModels.toArrays(
                    TinyModels.randomWeights(config, TinyModels.architectureOf(config), 23), config,
                    TinyModels.architectureOf(config), manager));
            for (String name : dropped) {
                arrays.remove(name);
            }
            overrides.forEach((name, array) -> arrays.put(name, array.toType(array.getDataType(), true)));
            SafetensorsFile.fromNDArrays(arrays).write(folder.resolve("model.safetensors"));
        }
        return folder;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "xlm-roberta"})
    void aTinyModelLoadsRunsSavesAndReloadsToIdenticalOutputs(String kind) throws Exception {
        Path folder = writeTinyFolder(kind.equals("bert") ? TinyModels.bertConfig() : TinyModels.xlmRobertaConfig(), Map.of());
        Path saved = dir.resolve("saved");
        float[][] before;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(folder.toString(), "mean",
                ModelOptions.defaults().withNormalize(true).withPrompts("q: ", "d: "))) {
            before = model.encode(TEXTS);
            model.save(saved);
        }
        try (AutoModelForEmbedding reloaded = AutoModelForEmbedding.fromPretrained(saved.toString())) {
            assertThat(reloaded.poolingName()).isEqualTo("mean");
            assertThat(reloaded.normalizes()).isTrue();
            assertThat(reloaded.prompts().query()).isEqualTo("q: ");
            assertThat(reloaded.config().modelType()).isEqualTo(kind);
            assertThat(reloaded.encode(TEXTS)).isDeepEqualTo(before);
        }
    }

    @Test
    void aTrainingRunFolderLoadsAsItsSavedModel() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of());
        Path run = dir.resolve("run");
        float[][] expected;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(folder.toString(), "mean")) {
            expected = model.encode(TEXTS);
            model.save(run.resolve("model"));
        }
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 1, \"loss\": 0.5}\n");
        try (AutoModelForEmbedding loaded = AutoModelForEmbedding.fromPretrained(run.toString())) {
            assertThat(loaded.poolingName()).isEqualTo("mean");
            assertThat(loaded.encode(TEXTS)).isDeepEqualTo(expected);
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(empty.toString())).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("is neither a model").hasMessageContaining("nor a training run folder");
    }

    @Test
    void theSavedFolderHasTheSentenceTransformersLayout() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of());
        Path saved = dir.resolve("saved");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(folder.toString(), "cls",
                ModelOptions.defaults().withNormalize(true))) {
            model.save(saved);
        }
        assertThat(saved.resolve("2_Normalize")).isDirectory();
        JsonObject pooling = json(saved.resolve("1_Pooling/config.json"));
        assertThat(pooling.get("pooling_mode_cls_token").getAsBoolean()).isTrue();
        assertThat(pooling.get("pooling_mode_mean_tokens").getAsBoolean()).isFalse();
        assertThat(pooling.get("word_embedding_dimension").getAsInt()).isEqualTo(8);
        assertThat(JsonParser.parseString(Files.readString(saved.resolve("modules.json"))).getAsJsonArray()).hasSize(3);
        assertThat(json(saved.resolve("config.json")).get("architectures").getAsJsonArray().get(0).getAsString())
                .isEqualTo("BertModel");
        assertThat(Files.readAllBytes(saved.resolve("tokenizer.json"))).isEqualTo(TinyModels.miniLmTokenizerJson());
        assertThat(json(saved.resolve("sentence_bert_config.json")).get("max_seq_length").getAsInt()).isEqualTo(64);
        // Header of model.safetensors: 8-byte length, then JSON whose keys are sorted, with __metadata__ format pt.
        byte[] bytes = Files.readAllBytes(saved.resolve("model.safetensors"));
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(header.getAsJsonObject("__metadata__").get("format").getAsString()).isEqualTo("pt");
        List<String> keys = header.keySet().stream().filter(k -> !k.equals("__metadata__")).toList();
        assertThat(keys).isSorted().contains("embeddings.word_embeddings.weight", "encoder.layer.1.output.LayerNorm.bias");
        assertThat(dir).isDirectoryNotContaining(path -> path.getFileName().toString().contains(".partial-"));
    }

    @Test
    void savingOverAnExistingModelReplacesItAndAFolderOfOtherFilesIsRefused() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of());
        Path other = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(other.resolve("todo.txt"), "keep me");
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(folder.toString())) {
            model.save(folder);
            assertThat(folder.resolve("modules.json")).isRegularFile();
            assertThatThrownBy(() -> model.save(other)).isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining(other.toString()).hasMessageContaining("refusing to replace it");
        }
        assertThat(other.resolve("todo.txt")).hasContent("keep me");
    }

    @Test
    void aMissingTensorNamesTheFileAndTheTensor() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of(), "encoder.layer.1.attention.self.key.weight");
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining(folder.resolve("model.safetensors").toString())
                .hasMessageContaining("encoder.layer.1.attention.self.key.weight");
    }

    @Test
    void aTensorOfTheWrongShapeNamesTheTensorAndBothShapes() throws Exception {
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            Path folder = writeTinyFolder(TinyModels.bertConfig(),
                    Map.of("embeddings.LayerNorm.bias", manager.zeros(new ai.djl.ndarray.types.Shape(9))));
            assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()))
                    .hasMessageContaining("'embeddings.LayerNorm.bias' has shape (9)")
                    .hasMessageContaining("needs (8)");
        }
    }

    @Test
    void anUnknownModelTypeListsTheArchitecturesAvailable() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of());
        Files.writeString(folder.resolve("config.json"), TinyModels.bertConfig().replace("\"bert\"", "\"gpt2\""));
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()))
                .hasMessageContaining("Unknown architecture 'gpt2'")
                .hasMessageContaining("bert, roberta, xlm_roberta");
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path folder = writeTinyFolder(TinyModels.bertConfig(), Map.of());
        Files.delete(folder.resolve("tokenizer.json"));
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()))
                .hasMessageContaining("has no tokenizer.json");
        Files.delete(folder.resolve("model.safetensors"));
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.toString()))
                .hasMessageContaining("has no weights: expected model.safetensors or model.onnx");
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 8}");
        assertThatThrownBy(() -> TransformerConfig.read(folder.resolve("config.json")))
                .hasMessageContaining("config.json: key 'vocab_size' is missing");
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(dir.resolve("nowhere").toString()))
                .hasMessageContaining("is not a folder, an .onnx file, a Hugging Face model id (org/name), or a bundled model id (bge-small-zh-v1.5, all-MiniLM-L6-v2)");
    }

    @Test
    void aBundledModelSavesAndReloadsBitIdentically() throws Exception {
        Path saved = dir.resolve("bge");
        float[][] before;
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("BAAI/bge-small-zh-v1.5")) {
            assertThat(model.poolingName()).isEqualTo("cls");
            before = model.encode(List.of("今天天气很好", "hello"));
            model.save(saved);
        }
        try (AutoModelForEmbedding reloaded = AutoModelForEmbedding.fromPretrained(saved.toString())) {
            assertThat(reloaded.encode(List.of("今天天气很好", "hello"))).isDeepEqualTo(before);
            assertThat(reloaded.tokenizer().maxLength()).isEqualTo(512);
        }
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
