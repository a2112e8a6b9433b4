package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A text encoder with hand-picked vectors, for evaluator tests whose results can be worked out by hand. */
final class StubEncoder implements TextEncoder {
    private final Map<String, float[]> vectors = new LinkedHashMap<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final String queryMarker;

    /** An encoder that is not role-aware in effect: queries and documents are looked up as they are. */
    StubEncoder() {
        this("");
    }

    /** An encoder that prepends {@code queryMarker} to queries before looking them up. */
    StubEncoder(String queryMarker) {
        this.queryMarker = queryMarker;
    }

    StubEncoder put(String text, float... vector) {
        vectors.put(text, vector);
        return this;
    }

    /** Every batch of texts handed to the encoder, in order. */
    List<List<String>> calls() {
        return calls;
    }

    @Override
    public float[][] encode(List<String> texts) {
        calls.add(List.copyOf(texts));
        float[][] result = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            float[] vector = vectors.get(texts.get(i));
            if (vector == null) {
                throw new IllegalArgumentException("No stub vector for '" + texts.get(i) + "'");
            }
            result[i] = vector.clone();
        }
        return result;
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return encode(texts.stream().map(text -> queryMarker + text).toList());
    }

    @Override
    public float[][] encodeDocuments(List<String> texts) {
        return encode(texts);
    }

    @Override
    public int dimension() {
        return vectors.values().iterator().next().length;
    }

    @Override
    public void close() {}
}
