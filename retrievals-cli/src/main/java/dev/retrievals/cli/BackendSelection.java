package dev.retrievals.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --backend} option of the commands that run a model ({@code @Mixin}): the PyTorch
 * engine (the default) or ONNX Runtime on an export.
 */
final class BackendSelection {
    @Option(names = "--backend", paramLabel = "pytorch|onnx", defaultValue = "pytorch", description = "Engine that runs the model"
            + " (default: ${DEFAULT-VALUE}). With onnx, --model is an exported folder, an .onnx file or a run folder (its onnx/"
            + " export).")
    String backend;

    /**
     * Whether ONNX Runtime runs the model.
     *
     * @throws UsageException for a value other than pytorch or onnx, naming {@code command}
     */
    boolean onnx(String command) {
        return switch (backend) {
            case "pytorch" -> false;
            case "onnx" -> true;
            default -> throw new UsageException("option --backend of '" + command + "' is '" + backend + "'; expected pytorch or onnx");
        };
    }
}
