package dev.retrievals.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Facts about the two pretrained ONNX graphs bundled as test resources, found by exploring them. */
class OnnxBundledModelsTest {
    private static final String MINILM = "/all-minilm-l6-v2.onnx";

    private static OnnxModel bundled(String resource) throws Exception {
        try (InputStream in = OnnxBundledModelsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return OnnxModel.read(in, resource);
        }
    }

    @ParameterizedTest
    @CsvSource({"/bge-small-zh-v1.5.onnx, 21128, 512, 4, onnx::MatMul_541",
        "/all-minilm-l6-v2.onnx, 30522, 384, 6, onnx::MatMul_787"})
    void aBundledGraphHasTheShapesOfItsBert(String resource, long vocabulary, int hidden, int layers,
            String firstQueryWeight) throws Exception {
        OnnxModel model = bundled(resource);
        assertCommonFacts(model, hidden, layers);
        OnnxGraph graph = model.graph();
        assertThat(graph.initializer("embeddings.word_embeddings.weight").orElseThrow().dims())
                .containsExactly(vocabulary, hidden);
        assertThat(graph.initializer("encoder.layer." + (layers - 1) + ".output.LayerNorm.bias")).isPresent();
        assertThat(graph.initializer("encoder.layer." + layers + ".output.LayerNorm.bias")).isEmpty();
        assertThat(graph.linearWeightNamesFromBiases()).containsEntry(firstQueryWeight,
                "encoder.layer.0.attention.self.query.weight");
    }

    private static void assertCommonFacts(OnnxModel model, int hidden, int layers) {
        assertThat(model.irVersion()).isEqualTo(6);
        assertThat(model.producerName()).isEqualTo("pytorch");
        assertThat(model.opsetImports()).containsExactly(OnnxOpsetImport.onnx(11));
        OnnxGraph graph = model.graph();
        assertThat(graph.inputs()).extracting(OnnxValueInfo::name)
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
        for (OnnxValueInfo input : graph.inputs()) {
            assertThat(input.elementType()).isEqualTo(OnnxDataType.INT64);
            assertThat(input.shape()).containsExactly(OnnxDimension.dynamic("batch_size"),
                    OnnxDimension.dynamic("sequence_length"));
        }
        assertThat(graph.outputs()).containsExactly(OnnxValueInfo.tensor("last_hidden_state", OnnxDataType.FLOAT,
                OnnxDimension.dynamic("batch_size"), OnnxDimension.dynamic("sequence_length"),
                OnnxDimension.fixed(hidden)));
        // Per layer: 6 weight MatMuls (q, k, v, attention output, intermediate, output) + 2 in attention.
        assertThat(graph.nodesOfType("MatMul")).hasSize(8 * layers);
        assertAnonymousMatMulWeightsMapToBiases(graph, hidden, layers);
    }

    /** Every {@code onnx::MatMul_*} weight feeds one MatMul whose output one Add adds a {@code *.bias} to. */
    private static void assertAnonymousMatMulWeightsMapToBiases(OnnxGraph graph, int hidden, int layers) {
        List<OnnxTensor> anonymous = graph.initializers().stream()
                .filter(t -> t.name().startsWith("onnx::MatMul_")).toList();
        assertThat(anonymous).hasSize(6 * layers);
        Set<String> biases = new HashSet<>();
        Map<String, String> expectedNames = new HashMap<>();
        for (OnnxTensor weight : anonymous) {
            List<OnnxNode> readers = graph.consumers(weight.name());
            assertThat(readers).as(weight.name()).hasSize(1);
            assertThat(readers.get(0).opType()).isEqualTo("MatMul");
            List<OnnxNode> adds = graph.consumers(readers.get(0).outputs().get(0));
            assertThat(adds).as(weight.name()).hasSize(1);
            assertThat(adds.get(0).opType()).isEqualTo("Add");
            List<String> biasNames = new ArrayList<>(adds.get(0).inputs());
            biasNames.removeIf(name -> !name.endsWith(".bias") || graph.initializer(name).isEmpty());
            assertThat(biasNames).as(weight.name()).hasSize(1);
            biases.add(biasNames.get(0));
            expectedNames.put(weight.name(), biasNames.get(0).replace(".bias", ".weight"));
            // Stored [in, out]: the bias has the output width.
            long[] dims = weight.dims();
            assertThat(graph.initializer(biasNames.get(0)).orElseThrow().dims()).containsExactly(dims[1]);
            assertThat(dims[0] == hidden || dims[1] == hidden).isTrue();
        }
        assertThat(biases).as("each weight maps to its own bias").hasSize(anonymous.size());
        assertThat(graph.linearWeightNamesFromBiases()).isEqualTo(expectedNames);
        assertThat(biases).contains("encoder.layer.0.attention.self.query.bias",
                "encoder.layer." + (layers - 1) + ".output.dense.bias");
    }

    @Test
    void theRewrittenGraphComputesWhatTheOriginalComputesInOnnxRuntime(@TempDir Path dir) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(MINILM)) {
            Files.copy(in, dir.resolve("original.onnx"));
        }
        OnnxModel model = OnnxModel.read(dir.resolve("original.onnx"));
        model.write(dir.resolve("rewritten.onnx"));
        assertThat(OnnxModel.read(dir.resolve("rewritten.onnx"))).isEqualTo(model);
        // BERT's position_ids buffer is 0, 1, ..., 511 by construction.
        assertThat(model.graph().initializer("embeddings.position_ids").orElseThrow().toLongArray())
                .containsExactly(LongStream.range(0, 512).toArray());

        long[] ids = {101, 7592, 2088, 2003, 2204, 102};
        Function<NDManager, NDList> inputs = m -> new NDList(
                m.create(ids, new Shape(1, ids.length)),
                m.ones(new Shape(1, ids.length), DataType.INT64),
                m.zeros(new Shape(1, ids.length), DataType.INT64));
        float[] original = OrtRunner.run(dir, "original", inputs).get(0);
        float[] rewritten = OrtRunner.run(dir, "rewritten", inputs).get(0);

        assertThat(rewritten).hasSize(ids.length * 384);
        assertThat(rewritten).containsExactly(original, within(1e-6f));
    }
}
