package dev.retrievals.cli;

import picocli.CommandLine.Option;

/**
 * The options that choose a model, shared by every command that reads one ({@code @Mixin}):
 * {@code --model} and {@code --pooling}.
 */
final class ModelSelection {
    /** {@code --model}: what a model location may be. */
    static final String DESCRIPTION = "The model: a bundled id (bge-small-zh-v1.5, all-MiniLM-L6-v2), a Hugging Face or"
            + " sentence-transformers folder, an .onnx file, a training run folder (its saved model) or a Hugging Face id (org/name).";
    /** {@code --pooling}. */
    static final String POOLING = "Pooling to use instead of the one the model's files name (cls, mean, max, lasttoken, ...;"
            + " see 'retrievals info').";

    @Option(names = "--model", required = true, paramLabel = "ID|PATH", description = DESCRIPTION)
    String model;

    @Option(names = "--pooling", paramLabel = "NAME", description = POOLING)
    String pooling;
}
