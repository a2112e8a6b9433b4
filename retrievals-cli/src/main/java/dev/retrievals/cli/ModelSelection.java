package dev.retrievals.cli;

import dev.retrievals.pytorch.ModelOptions;
import picocli.CommandLine.Option;

/**
 * The options that choose a model, shared by every command that reads one ({@code @Mixin}):
 * {@code --model}, {@code --pooling}, {@code --device} and the prompts ({@code --query-prompt},
 * {@code --document-prompt}, {@code --no-include-prompt}).
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

    @Option(names = "--query-prompt", paramLabel = "TEXT", description = "Text put before every query (default: the model's"
            + " saved query prompt, config_sentence_transformers.json; \"\" for none).")
    String queryPrompt;

    @Option(names = "--document-prompt", paramLabel = "TEXT", description = "Text put before every document (default: the"
            + " model's saved document prompt; \"\" for none).")
    String documentPrompt;

    /** {@code --no-include-prompt}: what it does. */
    static final String NO_INCLUDE_PROMPT = "Pool without the prompt's tokens (sentence-transformers' include_prompt false;"
            + " default: the model's 1_Pooling/config.json, else the prompt is pooled too).";

    @Option(names = "--no-include-prompt", description = NO_INCLUDE_PROMPT)
    boolean noIncludePrompt;

    /** The model options these flags set (device and prompts; every other field from the model's files). */
    ModelOptions options() {
        return ModelOptions.defaults().withDevice(device).withPrompts(queryPrompt, documentPrompt)
                .withIncludePrompt(noIncludePrompt ? Boolean.FALSE : null);
    }
}
