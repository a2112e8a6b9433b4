package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX files on disk: a Hugging Face ONNX folder loads like the bundled model; unmappable graphs fail clearly. */
class OnnxFileLoadingTest {
    @TempDir
    Path dir;

    @Test
    void anOnnxFileWithConfigAndTokenizerBesideItLoadsLikeTheBundledModel() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("minilm-onnx"));
        copy("/all-minilm-l6-v2.onnx", folder.resolve("model.onnx"));
        copy("/all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
        copy("/dev/retrievals/pytorch/bundled/all-MiniLM-L6-v2.config.json", folder.resolve("config.json"));
        List<String> texts = List.of("a cat sits on the mat", "stocks fell sharply");
        try (AutoModelForEmbedding fromFile = AutoModelForEmbedding.fromPretrained(folder.resolve("model.onnx").toString(), "mean",
                        ModelOptions.defaults().withNormalize(true).withMaxLength(256));
                AutoModelForEmbedding fromFolder = AutoModelForEmbedding.fromPretrained(folder.toString(), "mean",
                        ModelOptions.defaults().withNormalize(true).withMaxLength(256));
                AutoModelForEmbedding bundled = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            float[][] expected = bundled.encode(texts);
            assertThat(fromFile.encode(texts)).isDeepEqualTo(expected);
            assertThat(fromFolder.encode(texts)).isDeepEqualTo(expected);
        }
    }

    @Test
    void aGraphWhoseWeightsCannotBeMappedNamesTheFileAndTheParameter() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("broken"));
        copy("/all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
        copy("/dev/retrievals/pytorch/bundled/all-MiniLM-L6-v2.config.json", folder.resolve("config.json"));
        OnnxTensor words = OnnxTensor.ofFloats("embeddings.word_embeddings.weight", new long[] {30522, 384}, new float[30522 * 384]);
        OnnxGraph graph = new OnnxGraph("only-embeddings", List.of(), List.of(words),
                List.of(OnnxValueInfo.tensor("input_ids", OnnxDataType.INT64, OnnxDimension.dynamic("b"), OnnxDimension.dynamic("s"))),
                List.of(OnnxValueInfo.tensor("input_ids", OnnxDataType.INT64, OnnxDimension.dynamic("b"), OnnxDimension.dynamic("s"))));
        Path onnx = folder.resolve("model.onnx");
        OnnxModel.of(graph, 8, 14, "test").write(onnx);

        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(onnx.toString()))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining(onnx.toString())
                .hasMessageContaining("'embeddings.position_embeddings.weight'");
    }

    @Test
    void anOnnxFileWithoutConfigSaysWhyItIsNeeded() throws Exception {
        Path onnx = dir.resolve("lonely.onnx");
        copy("/all-minilm-l6-v2.onnx", onnx);
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(onnx.toString()))
                .hasMessageContaining("has no config.json beside it")
                .hasMessageContaining("attention heads");
    }

    @Test
    void aFileThatIsNotOnnxIsRefused() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("fake"));
        copy("/dev/retrievals/pytorch/bundled/all-MiniLM-L6-v2.config.json", folder.resolve("config.json"));
        Files.writeString(folder.resolve("model.onnx"), "{\"this is\": \"json\"}");
        assertThatThrownBy(() -> AutoModelForEmbedding.fromPretrained(folder.resolve("model.onnx").toString()))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("model.onnx");
    }

    private static void copy(String resource, Path target) throws Exception {
        try (InputStream in = OnnxFileLoadingTest.class.getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }
}
