package dev.retrievals.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.Prompts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trainable encoder that passes every call to another one, for wrappers that watch or change a
 * few calls (override those). {@link #embedCheckpointed} is passed on too, so a wrapped model keeps
 * its activation checkpointing. {@link #close()} does not close the wrapped model: its owner does.
 */
public abstract class ForwardingTrainableEncoder implements TrainableEncoder {
    private final TrainableEncoder delegate;

    /** Passes every call to {@code delegate}. */
    protected ForwardingTrainableEncoder(TrainableEncoder delegate) {
        this.delegate = delegate;
    }

    /** The wrapped encoder. */
    protected TrainableEncoder delegate() {
        return delegate;
    }

    @Override
    public NDArray embed(TokenBatch batch, NDManager scope) {
        return delegate.embed(batch, scope);
    }

    @Override
    public CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
        return delegate.embedCheckpointed(batch, scope);
    }

    @Override
    public NDManager newScope() {
        return delegate.newScope();
    }

    @Override
    public Map<String, NDArray> parameters() {
        return delegate.parameters();
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        return delegate.trainableParameters();
    }

    @Override
    public void train() {
        delegate.train();
    }

    @Override
    public void eval() {
        delegate.eval();
    }

    @Override
    public boolean isTraining() {
        return delegate.isTraining();
    }

    @Override
    public TextTokenizer tokenizer() {
        return delegate.tokenizer();
    }

    @Override
    public void save(Path folder) {
        delegate.save(folder);
    }

    @Override
    public float[][] encode(List<String> texts) {
        return delegate.encode(texts);
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return delegate.encodeQueries(texts);
    }

    @Override
    public float[][] encodeDocuments(List<String> texts) {
        return delegate.encodeDocuments(texts);
    }

    @Override
    public float[][] encodeWithPrompt(List<String> texts, String prompt) {
        return delegate.encodeWithPrompt(texts, prompt);
    }

    @Override
    public Prompts prompts() {
        return delegate.prompts();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    /** Does not close the wrapped encoder: its owner does. */
    @Override
    public void close() {}
}
