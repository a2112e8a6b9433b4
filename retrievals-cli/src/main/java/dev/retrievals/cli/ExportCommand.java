package dev.retrievals.cli;

import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxRankerExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.AutoModelForRanking;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals export --model ID|PATH --output DIR [--fp16]}: writes {@code model.onnx} with
 * pooling and normalisation in the graph, plus the tokenizer files, and checks it in ONNX Runtime.
 */
@Command(name = "export", description = {"Export a model to ONNX (pooling and normalisation inside the graph), checked in ONNX"
        + " Runtime against the PyTorch model.",
    "A reranker (saved as ...ForSequenceClassification) exports with the output logits [batch, num_labels]."})
final class ExportCommand extends CliCommand {
    @Mixin
    ModelSelection selection;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write (created, or replaced if it holds a model).")
    Path output;

    @Option(names = "--fp16", description = "Store the weights in half precision (about half the size).")
    boolean fp16;

    @Option(names = "--sigmoid", description = "For a reranker: put the sigmoid inside the graph, so it outputs probabilities.")
    boolean sigmoid;

    @Override
    protected int run() {
        if (ModelKind.isReranker(selection.model)) {
            try (AutoModelForRanking reranker = AutoModelForRanking.builder(selection.model).modelOptions(selection.options()).build()) {
                out().println(OnnxRankerExporter.export(reranker, output, fp16 ? ExportOptions.fp16() : ExportOptions.defaults(), sigmoid));
            }
            return 0;
        }
        if (sigmoid) {
            throw new UsageException("--sigmoid applies to rerankers; " + selection.model + " is an embedding model");
        }
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(selection.model, selection.pooling, selection.options())) {
            out().println(Exports.export(encoder, output, fp16));
        }
        return 0;
    }
}
