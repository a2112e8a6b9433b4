package dev.retrievals.onnx;

import dev.retrievals.pytorch.Precision;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an export wrote and how well the ONNX model matched the PyTorch model.
 *
 * @param onnxFile the {@code model.onnx} written
 * @param precision how its weights are stored
 * @param fileBytes its size
 * @param textsChecked how many sample texts were compared (0 when the check was off)
 * @param maxAbsDifference the largest {@code |onnx - pytorch|} of any embedding component (NaN when not checked)
 * @param minCosine the smallest cosine between an ONNX and a PyTorch embedding (NaN when not checked, and for rerankers, whose
 *     outputs are scores)
 */
public record ExportReport(Path onnxFile, Precision precision, long fileBytes, int textsChecked, double maxAbsDifference, double minCosine) {

    @Override
    public String toString() {
        String text = String.format(Locale.ROOT, "%s (%s, %.1f MB): %d texts checked, max |onnx - pytorch| %.3g",
                onnxFile, precision, fileBytes / 1e6, textsChecked, maxAbsDifference);
        return Double.isNaN(minCosine) ? text : text + String.format(Locale.ROOT, ", min cosine %.7f", minCosine);
    }
}
