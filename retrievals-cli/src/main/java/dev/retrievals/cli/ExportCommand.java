package dev.retrievals.cli;

import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code retrievals export --model ID|PATH --output DIR [--fp16]}: writes {@code model.onnx} with
 * pooling and normalisation in the graph, plus the tokenizer files, and checks it in ONNX Runtime.
 */
final class ExportCommand implements Main.Command {

    @Override
    public String summary() {
        return "export a model to ONNX (pooling and normalisation inside the graph), checked in ONNX Runtime";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        Arguments flags = Arguments.parse("export", args, Set.of("model", "pooling", "output"), Set.of("fp16"), Set.of());
        String model = flags.require("model");
        Path output = Path.of(flags.require("output"));
        try (AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(model, flags.get("pooling"))) {
            out.println(Exports.export(encoder, output, flags.has("fp16")));
        }
        return 0;
    }
}
