package dev.retrievals.cli;

import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.ExportReport;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/** The ONNX side of the commands: exporting a model and serving one with ONNX Runtime. */
final class Exports {
    private Exports() {}

    /** Exports with the automatic check; returns the report as text. */
    static String export(AutoModelForEmbedding model, Path folder, boolean fp16) {
        ExportReport report = OnnxExporter.export(model, folder, fp16 ? ExportOptions.fp16() : ExportOptions.defaults());
        return report.toString();
    }

    /** An ONNX Runtime encoder for an exported folder or an .onnx file, on a device ({@code null}: the CPU). */
    static TextEncoder onnxEncoder(Path model, boolean normalize, int batchSize, String device) {
        OnnxEncoder.Builder builder = OnnxEncoder.builder(model).batchSize(batchSize);
        if (device != null) {
            builder.device(device);
        }
        if (!normalize) {
            builder.normalize(false);
        }
        return builder.build();
    }
}
