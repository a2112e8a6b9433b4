package dev.retrievals.core.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.retrievals.core.RetrievalsException;

/**
 * Copies values into an existing array in place, keeping its identity, storage and gradient flag.
 *
 * <p>Never use {@code NDArray.set(Buffer)} for this on DJL's PyTorch engine: with a direct buffer
 * it makes the array a view of that buffer's memory (without copying), so when the buffer's owner
 * is closed the array reads freed memory — restored weights silently turn into garbage.
 */
public final class InPlaceCopy {
    private InPlaceCopy() {}

    /**
     * Writes {@code source}'s values into {@code target} (converting the data type).
     *
     * @param what names the array in messages
     * @throws RetrievalsException if the shapes differ
     */
    public static void copy(NDArray source, NDArray target, String what) {
        if (!source.getShape().equals(target.getShape())) {
            throw new RetrievalsException(what + " has shape " + source.getShape() + "; expected " + target.getShape());
        }
        NDArray converted = source.toType(target.getDataType(), false);
        target.set(new NDIndex("..."), converted);
        if (converted != source) {
            converted.close();
        }
    }
}
