package dev.retrievals.onnx;

/**
 * One evaluation run on both sides of an export: the evaluator's primary metric (an STS Spearman,
 * for example) for the PyTorch model and for the ONNX file.
 *
 * @param metric the metric's name
 * @param reference the PyTorch model's value
 * @param onnx the ONNX model's value
 */
public record ExportEvaluation(String metric, double reference, double onnx) {
    /** {@code onnx - reference}. */
    public double delta() {
        return onnx - reference;
    }
}
