package dev.retrievals.trainer.eval;

import dev.retrievals.core.encode.TextEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A baseline that knows nothing about meaning: the real encoder's vectors (same distribution, same
 * norms) handed back for a seeded random permutation of the texts of each call.
 */
final class ShuffledEncoder implements TextEncoder {
    private final TextEncoder real;
    private final Random random;

    ShuffledEncoder(TextEncoder real, long seed) {
        this.real = real;
        this.random = new Random(seed);
    }

    @Override
    public float[][] encode(List<String> texts) {
        float[][] vectors = real.encode(texts);
        List<float[]> shuffled = new ArrayList<>(List.of(vectors));
        Collections.shuffle(shuffled, random);
        return shuffled.toArray(new float[0][]);
    }

    @Override
    public int dimension() {
        return real.dimension();
    }

    @Override
    public void close() {}
}
