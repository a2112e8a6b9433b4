package dev.retrievals.core.model;

/**
 * An encoder architecture, registered under the {@code model_type} of a Hugging Face
 * {@code config.json} (for example {@code bert}). The trainable implementation lives in the
 * engine module that provides it.
 */
public interface ModelArchitecture {

    /** The {@code model_type} values of {@code config.json} that this architecture reads. */
    String modelType();
}
