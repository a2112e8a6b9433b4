package dev.retrievals.onnx;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an export wrote and how well the ONNX model matched the PyTorch model; {@link OnnxExporter}
 * prints it and saves it as JSON beside the model ({@value #FILE_NAME}).
 *
 * @param onnxFile the {@code model.onnx} written
 * @param precision how its weights are stored
 * @param quantization what was quantized ({@link Int8MatMulQuantizer#describe}), "" for fp32 and fp16
 * @param fileBytes its size
 * @param textsChecked how many sample texts were compared (0 when the check was off)
 * @param maxAbsDifference the largest {@code |onnx - pytorch|} of any embedding component (NaN when not checked)
 * @param minCosine the smallest cosine between an ONNX and a PyTorch embedding (NaN when not checked, and for rerankers, whose
 *     outputs are scores)
 * @param requiredMinCosine the gate's bound on {@code minCosine}
 * @param passed whether the check passed (false only for a file written with {@code force} despite a failed check)
 * @param evaluation the evaluation of both models, or null when none was asked for
 * @param planSearch how {@link QuantizedMatMulOp#MIXED} chose each MatMul's form (the sensitivity table), or null for other exports
 */
public record ExportReport(Path onnxFile, ExportPrecision precision, String quantization, long fileBytes, int textsChecked,
        double maxAbsDifference, double minCosine, double requiredMinCosine, boolean passed, ExportEvaluation evaluation,
        MatMulPlanSearch.Result planSearch) {
    /** The name of the saved report beside {@code model.onnx}. */
    public static final String FILE_NAME = "export-report.json";

    /** The same report for another file (the final name after the check). */
    ExportReport withOnnxFile(Path file) {
        return new ExportReport(file, precision, quantization, fileBytes, textsChecked, maxAbsDifference, minCosine, requiredMinCosine,
                passed, evaluation, planSearch);
    }

    /** The same report with the plan search that chose the MatMul forms. */
    ExportReport withPlanSearch(MatMulPlanSearch.Result search) {
        return new ExportReport(onnxFile, precision, quantization, fileBytes, textsChecked, maxAbsDifference, minCosine, requiredMinCosine,
                passed, evaluation, search);
    }

    /** The report as pretty-printed JSON (NaN fields are left out). */
    public String toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("onnx_file", onnxFile.toString());
        json.addProperty("precision", precision.label());
        json.addProperty("quantization", quantization);
        json.addProperty("file_bytes", fileBytes);
        json.addProperty("texts_checked", textsChecked);
        addFinite(json, "max_abs_difference", maxAbsDifference);
        addFinite(json, "min_cosine", minCosine);
        addFinite(json, "required_min_cosine", requiredMinCosine);
        json.addProperty("passed", passed);
        if (evaluation != null) {
            JsonObject eval = new JsonObject();
            eval.addProperty("metric", evaluation.metric());
            addFinite(eval, "pytorch", evaluation.reference());
            addFinite(eval, "onnx", evaluation.onnx());
            addFinite(eval, "delta", evaluation.delta());
            json.add("evaluation", eval);
        }
        if (planSearch != null) {
            json.add("matmul_plan", planSearch.toJson());
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json);
    }

    private static void addFinite(JsonObject json, String key, double value) {
        if (Double.isFinite(value)) {
            json.addProperty(key, value);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s (%s, %.1f MB): %d texts checked, max |onnx - pytorch| %.3g",
                onnxFile, precision.label(), fileBytes / 1e6, textsChecked, maxAbsDifference));
        if (!Double.isNaN(minCosine)) {
            text.append(String.format(Locale.ROOT, ", min cosine %.7f (required >= %s)", minCosine, requiredMinCosine));
        }
        if (!passed) {
            text.append(" - BELOW THE BOUNDS");
        }
        if (evaluation != null) {
            text.append(String.format(Locale.ROOT, "; %s: pytorch %.4f, onnx %.4f (delta %+.4f)", evaluation.metric(),
                    evaluation.reference(), evaluation.onnx(), evaluation.delta()));
        }
        if (!quantization.isEmpty()) {
            text.append("; ").append(quantization);
        }
        return text.toString();
    }
}
