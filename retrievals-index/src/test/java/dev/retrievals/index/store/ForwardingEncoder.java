package dev.retrievals.index.store;

import dev.retrievals.core.encode.TextEncoder;
import java.util.List;
import java.util.function.UnaryOperator;

/** An encoder that rewrites each text before handing it to another encoder. */
public class ForwardingEncoder implements TextEncoder {
    private final TextEncoder delegate;
    private final UnaryOperator<String> rewrite;

    public ForwardingEncoder(TextEncoder delegate, UnaryOperator<String> rewrite) {
        this.delegate = delegate;
        this.rewrite = rewrite;
    }

    @Override
    public float[][] encode(List<String> texts) {
        return delegate.encode(texts.stream().map(rewrite).toList());
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
