package dev.retrievals.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graphs written here load in ONNX Runtime and compute what plain Java math computes. */
class OnnxRuntimeRoundTripTest {
    private static final float[] WEIGHT = {0.5f, -1f, 2f, 0.25f, 1.5f, 0.75f, -0.5f, 1f, -2f, 0.1f, 0.2f, 0.3f};
    private static final float[] BIAS = {0.1f, -0.2f, 0.3f, -3f};
    private static final float[] SCALE = {1f, 2f, -1f, 0.5f};
    private static final float ALPHA = 0.1f;

    /**
     * y = Transpose(Reshape(LeakyRelu(x·W + b) * c, [-1, 4])): x is [batch, 3] with a dynamic
     * batch axis, W [3, 4] and b [4] are initializers, c is a Constant node's tensor attribute.
     */
    static OnnxModel tinyModel() {
        OnnxGraph graph = new OnnxGraph("tiny",
                List.of(OnnxNode.of("matmul", "MatMul", List.of("x", "W"), List.of("h")),
                        OnnxNode.of("add", "Add", List.of("h", "b"), List.of("a")),
                        OnnxNode.of("leaky", "LeakyRelu", List.of("a"), List.of("l"),
                                OnnxAttribute.ofFloat("alpha", ALPHA)),
                        OnnxNode.of("scale", "Constant", List.of(), List.of("c"),
                                OnnxAttribute.ofTensor("value", OnnxTensor.ofFloats("", new long[] {4}, SCALE))),
                        OnnxNode.of("mul", "Mul", List.of("l", "c"), List.of("s")),
                        OnnxNode.of("reshape", "Reshape", List.of("s", "shape"), List.of("r")),
                        OnnxNode.of("transpose", "Transpose", List.of("r"), List.of("y"),
                                OnnxAttribute.ofInts("perm", 1, 0))),
                List.of(OnnxTensor.ofFloats("W", new long[] {3, 4}, WEIGHT),
                        OnnxTensor.ofFloats("b", new long[] {4}, BIAS),
                        OnnxTensor.ofLongs("shape", new long[] {2}, -1, 4)),
                List.of(OnnxValueInfo.tensor("x", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"),
                        OnnxDimension.fixed(3))),
                List.of(OnnxValueInfo.tensor("y", OnnxDataType.FLOAT, OnnxDimension.fixed(4),
                        OnnxDimension.dynamic("batch"))));
        return OnnxModel.of(graph, 8, 17, "retrievals-test").withMetadata(Map.of("purpose", "test"));
    }

    @Test
    void aWrittenGraphRunsInOnnxRuntimeAndMatchesJavaMath(@TempDir Path dir) throws Exception {
        tinyModel().write(dir.resolve("tiny.onnx"));
        float[][] x = {{1f, 2f, 3f}, {-1f, 0.5f, 0f}, {0f, 0f, 0f}};
        float[] flat = {1f, 2f, 3f, -1f, 0.5f, 0f, 0f, 0f, 0f};

        float[] y = OrtRunner.run(dir, "tiny", m -> new NDList(m.create(flat, new Shape(3, 3)))).get(0);

        assertThat(y).hasSize(4 * 3);
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 4; col++) {
                double sum = BIAS[col];
                for (int k = 0; k < 3; k++) {
                    sum += (double) x[row][k] * WEIGHT[k * 4 + col];
                }
                double leaky = sum >= 0 ? sum : ALPHA * sum;
                double expected = leaky * SCALE[col];
                assertThat((double) y[col * 3 + row]).as("y[%d][%d]", col, row).isCloseTo(expected, within(1e-5));
            }
        }
    }

    @Test
    void readingWhatWasWrittenGivesTheSameModel(@TempDir Path dir) throws Exception {
        OnnxModel model = tinyModel();
        Path file = dir.resolve("tiny.onnx");
        model.write(file);

        OnnxModel back = OnnxModel.read(file);

        assertThat(back).isEqualTo(model);
        assertThat(back.graph().initializer("W").orElseThrow().toFloatArray()).containsExactly(WEIGHT);
        assertThat(back.graph().initializer("shape").orElseThrow().toLongArray()).containsExactly(-1, 4);
        assertThat(back.graph().nodes().get(2).attribute("alpha").orElseThrow().floatValue()).isEqualTo(ALPHA);
        assertThat(back.graph().inputs().get(0).shape()).containsExactly(OnnxDimension.dynamic("batch"),
                OnnxDimension.fixed(3));
        assertThat(back.metadataProps()).containsExactly(Map.entry("purpose", "test"));
        assertThat(Files.readAllBytes(file)).isEqualTo(model.toByteArray());
    }

    @Test
    void aGraphFromTheBuilderRunsInOnnxRuntime(@TempDir Path dir) throws Exception {
        OnnxGraph.Builder builder = OnnxGraph.builder("built")
                .input(OnnxValueInfo.tensor("x", OnnxDataType.FLOAT, OnnxDimension.dynamic("batch"),
                        OnnxDimension.fixed(3)));
        String weight = builder.initializer(OnnxTensor.ofFloats("W", new long[] {3, 4}, WEIGHT));
        String bias = builder.initializer(OnnxTensor.ofFloats("b", new long[] {4}, BIAS));
        String product = builder.node("MatMul", List.of("x", weight));
        String sum = builder.node("Add", List.of(product, bias));
        String relu = builder.node("Relu", List.of(sum));
        String softmax = builder.node("Softmax", List.of(relu), OnnxAttribute.ofInt("axis", -1));
        OnnxGraph graph = builder.output(OnnxValueInfo.tensor(softmax, OnnxDataType.FLOAT,
                OnnxDimension.dynamic("batch"), OnnxDimension.fixed(4))).build();
        assertThat(List.of(product, sum, relu, softmax)).doesNotHaveDuplicates();
        OnnxModel.of(graph, 8, 17, "retrievals-test").write(dir.resolve("built.onnx"));
        float[] x = {0.3f, -1f, 2f};

        float[] y = OrtRunner.run(dir, "built", m -> new NDList(m.create(x, new Shape(1, 3)))).get(0);

        double[] relus = new double[4];
        double total = 0;
        for (int col = 0; col < 4; col++) {
            double value = BIAS[col];
            for (int k = 0; k < 3; k++) {
                value += (double) x[k] * WEIGHT[k * 4 + col];
            }
            relus[col] = Math.exp(Math.max(0, value));
            total += relus[col];
        }
        for (int col = 0; col < 4; col++) {
            assertThat((double) y[col]).as("softmax[%d]", col).isCloseTo(relus[col] / total, within(1e-6));
        }
    }

    @Test
    void builderNamesAreUnique() {
        OnnxGraph.Builder builder = OnnxGraph.builder("g");
        builder.initializer(OnnxTensor.ofFloats("w", new long[] {1}, 1f));
        assertThat(builder.uniqueName("w")).isEqualTo("w_1");
        assertThat(builder.uniqueName("w")).isEqualTo("w_2");
        assertThat(builder.uniqueName("v")).isEqualTo("v");
    }

    @Test
    void consumersFollowATensorFromNodeToNode() {
        OnnxGraph graph = tinyModel().graph();
        assertThat(graph.consumers("W")).extracting(OnnxNode::name).containsExactly("matmul");
        assertThat(graph.consumers("h")).extracting(OnnxNode::name).containsExactly("add");
        assertThat(graph.consumers("y")).isEmpty();
        assertThat(graph.producer("s").orElseThrow().name()).isEqualTo("mul");
        assertThat(graph.producer("x")).isEmpty();
        assertThat(graph.nodesOfType("Constant")).hasSize(1);
    }
}
