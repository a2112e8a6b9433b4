package dev.retrievals.cli;

import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.ExportReport;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;

/** The ONNX side of the commands: exporting a model with its automatic check. */
final class Exports {
    private Exports() {}

    /** Exports with the automatic check; returns the report as one line of text, with where it was saved. */
    static String export(AutoModelForEmbedding model, Path folder, ExportOptions options) {
        ExportReport report = OnnxExporter.export(model, folder, options);
        return report + "; report saved to " + folder.resolve(ExportReport.FILE_NAME);
    }
}
