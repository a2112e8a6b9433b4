package dev.retrievals.core.encode;

import java.util.List;

/** Anything that turns texts into fixed-size vectors: a trainable model or an ONNX Runtime session. */
public interface TextEncoder extends AutoCloseable {

    /** One vector per text, in input order. */
    float[][] encode(List<String> texts);

    /** The length of each vector. */
    int dimension();

    @Override
    void close();
}
