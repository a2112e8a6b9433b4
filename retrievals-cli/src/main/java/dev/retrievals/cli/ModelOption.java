package dev.retrievals.cli;

/** The help texts of the options every model-reading command shares. */
final class ModelOption {
    /** {@code --model}: what a model location may be. */
    static final String DESCRIPTION = "The model: a bundled id (bge-small-zh-v1.5, all-MiniLM-L6-v2), a Hugging Face or"
            + " sentence-transformers folder, an .onnx file, a training run folder (its saved model) or a Hugging Face id (org/name).";
    /** {@code --pooling}. */
    static final String POOLING = "Pooling to use instead of the one the model's files name (cls, mean, max, lasttoken, ...;"
            + " see 'retrievals info').";

    private ModelOption() {}
}
