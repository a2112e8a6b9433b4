package dev.retrievals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.onnx.OnnxValueInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A float table turned into quantize_dynamic's uint8 form, run in ONNX Runtime against the rule computed here. */
class PerTensorUint8TablesTest {
    private static final float[] TABLE = {0.12f, -0.5f, 0.0f, 0.25f, 0.5f, -0.031f};

    @TempDir
    Path scratch;

    private static OnnxModel gatherModel() {
        OnnxGraph graph = new OnnxGraph("gather", List.of(OnnxNode.of("lookup", "Gather", List.of("t", "ids"), List.of("y"))),
                List.of(OnnxTensor.ofFloats("t", new long[] {3, 2}, TABLE)),
                List.of(OnnxValueInfo.tensor("ids", OnnxDataType.INT64, OnnxDimension.dynamic("n"))),
                List.of(OnnxValueInfo.tensor("y", OnnxDataType.FLOAT, OnnxDimension.dynamic("n"), OnnxDimension.fixed(2))));
        return OnnxModel.of(graph, 8, 13, "test");
    }

    @Test
    void storesTheTableAsUint8PerTensorAndOnnxRuntimeReadsItBack() throws Exception {
        OnnxModel converted = PerTensorUint8Tables.apply(gatherModel(), Set.of("t"));

        float scale = 0.5f * 2 / 255;
        assertThat(converted.graph().initializer("t")).isEmpty();
        assertThat(converted.graph().initializer("t_scale").orElseThrow().toFloatArray()).containsExactly(scale);
        Path file = scratch.resolve("converted.onnx");
        converted.write(file);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        float[] rows;
        try (OrtSession session = environment.createSession(file.toString(), new OrtSession.SessionOptions());
                ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(environment, new long[] {2, 0, 1});
                OrtSession.Result result = session.run(Map.of("ids", ids))) {
            rows = ((ai.onnxruntime.OnnxTensor) result.get(0)).getFloatBuffer().array();
        }
        int[] order = {2, 0, 1};
        for (int r = 0; r < order.length; r++) {
            for (int c = 0; c < 2; c++) {
                float w = TABLE[order[r] * 2 + c];
                double expected = (Math.max(0, Math.min(255, Math.rint(w / scale) + 128)) - 128) * scale;
                assertThat((double) rows[r * 2 + c]).as("row %d column %d", r, c).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-7));
                assertThat(Math.abs(rows[r * 2 + c] - w)).isLessThanOrEqualTo(scale / 2 * (1 + 1e-6f));
            }
        }
        // the form Uint8TableJitter looks for, with the float table from the original model
        assertThat(Uint8TableJitter.of(converted.graph(), gatherModel().graph())).singleElement()
                .satisfies(table -> assertThat(table.zeroPoint()).isEqualTo(128));
    }

    @Test
    void aTableNoGatherReadsIsAnError() {
        assertThatThrownBy(() -> PerTensorUint8Tables.apply(gatherModel(), Set.of("t", "missing")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing");
    }
}
