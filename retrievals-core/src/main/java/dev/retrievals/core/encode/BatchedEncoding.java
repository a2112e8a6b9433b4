package dev.retrievals.core.encode;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.progress.ProgressBar;
import java.util.List;
import java.util.function.Function;

/**
 * Hands texts to an encoder a batch at a time, so memory stays bounded, and checks what comes back:
 * one finite vector per text, all of one length. Evaluators and the corpus embedding store use it.
 */
public final class BatchedEncoding {

    private BatchedEncoding() {}

    /**
     * Encodes texts in order.
     *
     * @param encode the encoder call (plain, query or document role)
     * @param texts the texts
     * @param batchSize texts per call
     * @param what what the texts are, for messages and the progress bar, for example {@code corpus}
     * @param showProgressBar whether to draw a progress bar
     */
    public static float[][] encode(
            Function<List<String>, float[][]> encode, List<String> texts, int batchSize, String what, boolean showProgressBar) {
        try (ProgressBar progress = new ProgressBar("encode " + what, texts.size(), showProgressBar)) {
            return encode(encode, texts, batchSize, what, progress, 0);
        }
    }

    /**
     * Encodes texts in order, advancing a progress bar the caller owns.
     *
     * @param encode the encoder call (plain, query or document role)
     * @param texts the texts
     * @param batchSize texts per call
     * @param what what the texts are, for messages, for example {@code corpus}
     * @param progress advanced by each batch's size
     * @param firstIndex the index of the first text in the whole input, for messages
     */
    public static float[][] encode(Function<List<String>, float[][]> encode, List<String> texts, int batchSize, String what,
            ProgressBar progress, long firstIndex) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size is " + batchSize + "; expected an integer >= 1");
        }
        float[][] vectors = new float[texts.size()][];
        int dimension = -1;
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            float[][] encoded = encode.apply(batch);
            if (encoded == null || encoded.length != batch.size()) {
                throw new RetrievalsException("The encoder returned " + (encoded == null ? "null" : encoded.length + " vectors")
                        + " for " + batch.size() + " " + what + " texts");
            }
            for (int i = 0; i < encoded.length; i++) {
                vectors[start + i] = checked(encoded[i], dimension, firstIndex + start + i, what);
                dimension = encoded[i].length;
            }
            progress.advance(batch.size());
        }
        return vectors;
    }

    private static float[] checked(float[] vector, int dimension, long index, String what) {
        if (vector == null || vector.length == 0 || (dimension >= 0 && vector.length != dimension)) {
            throw new RetrievalsException("The encoder returned " + (vector == null ? "no vector" : "a vector of length " + vector.length)
                    + " for " + what + " text " + index + (dimension >= 0 ? "; expected length " + dimension : ""));
        }
        for (float value : vector) {
            if (!Float.isFinite(value)) {
                throw new RetrievalsException("The encoder returned a non-finite value (" + value + ") for " + what + " text " + index);
            }
        }
        return vector;
    }
}
