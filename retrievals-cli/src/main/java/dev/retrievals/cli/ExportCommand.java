package dev.retrievals.cli;

import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals export --model ID|PATH --output DIR [--fp16]}: writes {@code model.onnx} with
 * pooling and normalisation in the graph, plus the tokenizer files, and checks it in ONNX Runtime.
 */
@Command(name = "export", description = "Export a model to ONNX (pooling and normalisation inside the graph), checked in ONNX"
        + " Runtime against the PyTorch model.")
final class ExportCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write (created, or replaced if it holds a model).")
    Path output;

    @Option(names = "--fp16", description = "Store the weights in half precision (about half the size).")
    boolean fp16;

    @Override
    protected int run() {
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(selection.model, selection.pooling, selection.options())) {
            out().println(Exports.export(encoder, output, fp16));
        }
        return 0;
    }
}
