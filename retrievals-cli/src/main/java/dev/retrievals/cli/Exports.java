package dev.retrievals.cli;

import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.ExportReport;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/** The ONNX side of the commands: exporting a model with its automatic check. */
final class Exports {
    private Exports() {}

    /** Exports with the automatic check; returns the report as text. */
    static String export(AutoModelForEmbedding model, Path folder, boolean fp16) {
        ExportReport report = OnnxExporter.export(model, folder, fp16 ? ExportOptions.fp16() : ExportOptions.defaults());
        return report.toString();
    }
}
