package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.TextEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Remembers each text's vector, so tests that encode the same texts several times run the model once per text. */
final class CachingEncoder implements TextEncoder {
    private final TextEncoder real;
    private final Map<String, float[]> cache = new HashMap<>();

    CachingEncoder(TextEncoder real) {
        this.real = real;
    }

    @Override
    public float[][] encode(List<String> texts) {
        List<String> missing = new ArrayList<>();
        for (String text : texts) {
            if (!cache.containsKey(text) && !missing.contains(text)) {
                missing.add(text);
            }
        }
        if (!missing.isEmpty()) {
            float[][] vectors = real.encode(missing);
            for (int i = 0; i < vectors.length; i++) {
                cache.put(missing.get(i), vectors[i]);
            }
        }
        float[][] result = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            result[i] = cache.get(texts.get(i)).clone();
        }
        return result;
    }

    @Override
    public int dimension() {
        return real.dimension();
    }

    @Override
    public void close() {}
}
