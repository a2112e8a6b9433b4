package dev.retrievals.index.store;

import dev.retrievals.core.encode.TextEncoder;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A text encoder whose texts spell their vectors ({@code "v 0.5 -1 2"}), so tests choose every
 * vector exactly; counts its calls. Also turns a vector into such a text.
 */
public final class VectorTextEncoder implements TextEncoder {
    private final int dimension;
    private final AtomicInteger calls = new AtomicInteger();

    public VectorTextEncoder(int dimension) {
        this.dimension = dimension;
    }

    /** The text that encodes to {@code vector}. */
    public static String text(float[] vector) {
        StringBuilder text = new StringBuilder("v");
        for (float value : vector) {
            text.append(' ').append(String.format(Locale.ROOT, "%s", value));
        }
        return text.toString();
    }

    @Override
    public float[][] encode(List<String> texts) {
        calls.incrementAndGet();
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            String[] parts = texts.get(i).strip().split(" ");
            float[] vector = new float[parts.length - 1];
            for (int j = 1; j < parts.length; j++) {
                vector[j - 1] = Float.parseFloat(parts[j]);
            }
            vectors[i] = vector;
        }
        return vectors;
    }

    /** How many times {@link #encode} was called. */
    public int calls() {
        return calls.get();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void close() {}
}
