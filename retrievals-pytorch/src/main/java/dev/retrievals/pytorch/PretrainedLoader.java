package dev.retrievals.pytorch;

/** Resolves a model location and loads it (folders, ONNX files, bundled models). */
final class PretrainedLoader {
    private PretrainedLoader() {}

    static AutoModelForEmbedding load(String location, ModelOptions options) {
        throw new dev.retrievals.core.RetrievalsException("loading " + location + " is being written");
    }
}
