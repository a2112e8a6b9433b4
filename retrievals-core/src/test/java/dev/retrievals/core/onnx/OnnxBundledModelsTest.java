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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Facts about the two pretrained ONNX graphs bundled as test resources, found by exploring them. */
class OnnxBundledModelsTest {
    private static final String BGE = "/bge-small-zh-v1.5.onnx";
    private static final String MINILM = "/all-minilm-l6-v2.onnx";

    private static OnnxModel bundled(String resource) throws Exception {
        try (InputStream in = OnnxBundledModelsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return OnnxModel.read(in, resource);
        }
    }

    @Test
    void bgeSmallZhHasTheShapesOfA4Layer512WideBert() throws Exception {
        OnnxModel model = bundled(BGE);
        assertCommonFacts(model, 512, 4);
        OnnxGraph graph = model.graph();
        assertThat(graph.initializer("embeddings.word_embeddings.weight").orElseThrow().dims())
                .containsExactly(21128, 512);
        assertThat(graph.initializer("encoder.layer.3.output.LayerNorm.bias")).isPresent();
        assertThat(graph.initializer("encoder.layer.4.output.LayerNorm.bias")).isEmpty();
    }

    @Test
    void miniLmHasTheShapesOfA6Layer384WideBert() throws Exception {
        OnnxModel model = bundled(MINILM);
        assertCommonFacts(model, 384, 6);
        OnnxGraph graph = model.graph();
        assertThat(graph.initializer("embeddings.word_embeddings.weight").orElseThrow().dims())
                .containsExactly(30522, 384);
        // BERT's position_ids buffer is 0, 1, ..., 511 by construction.
        assertThat(graph.initializer("embeddings.position_ids").orElseThrow().toLongArray())
                .containsExactly(LongStream.range(0, 512).toArray());
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
            // Stored [in, out]: the bias has the output width.
            long[] dims = weight.dims();
            assertThat(graph.initializer(biasNames.get(0)).orElseThrow().dims()).containsExactly(dims[1]);
            assertThat(dims[0] == hidden || dims[1] == hidden).isTrue();
        }
        assertThat(biases).as("each weight maps to its own bias").hasSize(anonymous.size());
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
