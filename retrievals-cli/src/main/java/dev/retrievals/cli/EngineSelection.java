package dev.retrievals.cli;

import picocli.CommandLine.Option;

/**
 * The options that choose how a model runs, shared by the commands that only encode with it
 * ({@code @Mixin}): {@code --backend} (PyTorch or ONNX Runtime) and {@code --max-length}.
 */
final class EngineSelection {
    @Option(names = "--backend", paramLabel = "pytorch|onnx", defaultValue = "pytorch", description = "Engine that runs the model"
            + " (default: ${DEFAULT-VALUE}). With onnx, --model is an exported folder, an .onnx file, a run folder (its onnx/"
            + " export) or a bundled id.")
    String backend;

    @Option(names = "--max-length", paramLabel = "N", description = "Longest text in tokens (default: the model's).")
    Integer maxLength;

    /** Opens {@code model} on the chosen engine (see {@link ModelEncoders#open}). */
    ModelEncoders.Opened open(ModelSelection model, String command, boolean normalize, int batchSize) {
        ModelEncoders.checkBackend(backend, command);
        return ModelEncoders.open(model.model, model.pooling, backend, maxLength, normalize, batchSize, model.options());
    }
}
