package dev.retrievals.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.testing.PlainVectors;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed int8 export of a tiny random BERT with a gate set between "every MatMul per tensor" and float32, so the search
 * has to move some activations: every score is recomputed here with ONNX Runtime run directly on each candidate graph (not
 * through the exporter's encoder): the reported sensitivities, the chosen plan reaching the target, and, by brute force over
 * its neighbours, that no single move back to a cheaper form would still reach it; the written graph has each MatMul in the
 * form the plan records.
 */
class MatMulPlanSearchTest {
    @TempDir
    Path scratch;

    @Test
    void chosenPlanReachesTheTargetAndNoCheaperNeighbourDoes() throws Exception {
        try (AutoModelForEmbedding model = TestModels.load(TestModels.tinyFolder(scratch.resolve("bert"), TestModels.tinyBertConfig(), 3),
                "mean", true)) {
            List<String> texts = ExportOptions.DEFAULT_SAMPLE_TEXTS;
            TokenBatch batch = model.tokenizer().tokenize(texts);
            ExportOptions mixed = ExportOptions.int8().withQuantization(Int8Quantization.defaults().withOp(QuantizedMatMulOp.MIXED));
            OnnxModel floatGraph = OnnxExporter.floatGraph(model, ExportPrecision.INT8);
            float[][] reference = rows(OrtReference.run(write(floatGraph, "float"), batch).get(OnnxEncoder.SENTENCE_EMBEDDING), texts.size());
            Map<String, List<String>> units = Int8MatMulQuantizer.quantizableWeights(floatGraph.graph());
            assertThat(units).as("2 layers x (query/key/value, attention output, intermediate, output)").hasSize(8);
            List<String> all = units.values().stream().flatMap(List::stream).toList();
            MatMulPlanSearch.PlanScore score = plan -> {
                try {
                    OnnxModel candidate = OnnxExporter.quantized(floatGraph, mixed, plan, UnaryOperator.identity());
                    float[][] vectors = rows(OrtReference.run(write(candidate, "candidate"), batch).get(OnnxEncoder.SENTENCE_EMBEDDING),
                            texts.size());
                    double smallest = 1;
                    for (int row = 0; row < vectors.length; row++) {
                        smallest = Math.min(smallest, PlainVectors.cosine(vectors[row], reference[row]));
                    }
                    return smallest;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            double perTensor = score.worstCosine(MatMulPlan.uniform(all, MatMulForm.PER_TENSOR));
            assertThat(perTensor).as("int8 per tensor costs some accuracy").isLessThan(1 - 1e-5);
            double target = 1 - (1 - perTensor) / 3; // needs moves
            ExportReport report = OnnxExporter.export(model, scratch.resolve("mixed"),
                    mixed.withBounds(Double.MAX_VALUE, target - MatMulPlanSearch.DEFAULT_MARGIN));
            MatMulPlanSearch.Result search = report.planSearch();
            assertThat(search).isNotNull();
            assertThat(search.target()).isCloseTo(target, Offset.offset(1e-12));
            assertThat(report.passed()).isTrue();

            // sensitivities: only one activation's MatMuls quantized, the rest float32
            for (MatMulPlanSearch.Sensitivity row : search.sensitivities()) {
                MatMulPlan alone = MatMulPlan.uniform(all, MatMulForm.FLOAT32);
                assertThat(row.perTensor()).as(row.activation()).isCloseTo(score.worstCosine(alone.with(row.weights(), MatMulForm.PER_TENSOR)),
                        Offset.offset(2e-6));
                assertThat(row.perRow()).as(row.activation()).isCloseTo(score.worstCosine(alone.with(row.weights(), MatMulForm.PER_ROW)),
                        Offset.offset(2e-6));
            }
            // the plan reaches the target, and no neighbour with one activation in a cheaper form does
            MatMulPlan plan = search.plan();
            assertThat(plan.forms().keySet()).containsExactlyElementsOf(all);
            assertThat(plan.forms().values()).as("some activation had to move").anyMatch(form -> form != MatMulForm.PER_TENSOR);
            assertThat(score.worstCosine(plan)).isGreaterThanOrEqualTo(target - 2e-6);
            for (Map.Entry<String, List<String>> unit : units.entrySet()) {
                MatMulForm form = plan.formOf(unit.getValue().get(0));
                assertThat(unit.getValue()).as("one form per activation").allMatch(weight -> plan.formOf(weight) == form);
                for (MatMulForm cheaper : cheaperThan(form)) {
                    assertThat(score.worstCosine(plan.with(unit.getValue(), cheaper))).as("%s as %s", unit.getKey(), cheaper)
                            .isLessThan(target + 2e-6);
                }
            }

            // the written graph: float32 MatMuls keep their weight; quantized ones read per-tensor or per-row activations
            OnnxModel written = OnnxModel.read(report.onnxFile());
            assertThat(written.metadataProps()).containsEntry(MatMulPlan.META_PLAN, plan.toMetadata())
                    .containsEntry(Int8MatMulQuantizer.META_QUANTIZED_OP, "mixed");
            for (String weight : all) {
                MatMulForm form = plan.formOf(weight);
                List<OnnxNode> readers = written.graph().consumers(form == MatMulForm.FLOAT32 ? weight : weight + "_quantized");
                assertThat(readers).as(weight).hasSize(1);
                OnnxNode reader = readers.get(0);
                assertThat(reader.opType()).as(weight).isEqualTo(form == MatMulForm.FLOAT32 ? "MatMul" : "MatMulInteger");
                if (form != MatMulForm.FLOAT32) {
                    String activationProducer = written.graph().producer(reader.inputs().get(0)).orElseThrow().opType();
                    assertThat(activationProducer).as(weight).isEqualTo(form == MatMulForm.PER_TENSOR ? "DynamicQuantizeLinear" : "Cast");
                }
            }
        }
    }

    private static List<MatMulForm> cheaperThan(MatMulForm form) {
        return switch (form) {
            case PER_TENSOR -> List.of();
            case PER_ROW -> List.of(MatMulForm.PER_TENSOR);
            case FLOAT32 -> List.of(MatMulForm.PER_TENSOR, MatMulForm.PER_ROW);
        };
    }

    private int written;

    private Path write(OnnxModel model, String name) {
        Path file = scratch.resolve(name + "-" + written++ + ".onnx");
        model.write(file);
        return file;
    }

    private static float[][] rows(float[] flat, int count) {
        int width = flat.length / count;
        float[][] rows = new float[count][];
        for (int row = 0; row < count; row++) {
            rows[row] = Arrays.copyOfRange(flat, row * width, (row + 1) * width);
        }
        return rows;
    }
}
