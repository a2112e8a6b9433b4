package dev.retrievals.cli;

import dev.retrievals.pytorch.ModelOptions;
import picocli.CommandLine.Option;

/**
 * The options that choose a model, shared by every command that reads one ({@code @Mixin}):
 * {@code --model}, {@code --pooling} and {@code --device}.
 */
final class ModelSelection {
    /** {@code --model}: what a model location may be. */
    static final String DESCRIPTION = "The model: a bundled id (bge-small-zh-v1.5, all-MiniLM-L6-v2), a Hugging Face or"
            + " sentence-transformers folder, an .onnx file, a training run folder (its saved model) or a Hugging Face id (org/name).";
    /** {@code --device}. */
    static final String DEVICE = "Where the model computes: cpu, gpu or gpu:N (default: the first GPU the engine sees, else"
            + " the CPU). A GPU needs a CUDA build of libtorch (PyTorch) or ONNX Runtime's GPU build (onnx); see the README.";
    /** {@code --pooling}. */
    static final String POOLING = "Pooling to use instead of the one the model's files name (cls, mean, max, lasttoken, ...;"
            + " see 'retrievals info').";

    @Option(names = "--model", required = true, paramLabel = "ID|PATH", description = DESCRIPTION)
    String model;

    @Option(names = "--pooling", paramLabel = "NAME", description = POOLING)
    String pooling;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = DEVICE)
    String device;

    /** The model options these flags set (the device; every other field from the model's files). */
    ModelOptions options() {
        return ModelOptions.defaults().withDevice(device);
    }
}
