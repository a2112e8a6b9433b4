package dev.retrievals.core.ndarray;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for differentiable arithmetic. Use {@code x.mul(Scalars.like(x, 0.5))}, never
 * {@code x.mul(0.5)}, wherever gradients flow.
 *
 * <p>Why: DJL's PyTorch engine implements {@code mul(Number)}, {@code div(Number)},
 * {@code maximum(Number)}, {@code pow(Number)} … by wrapping the number in a tensor over a Java
 * direct buffer and closing it right after the operation. Autograd keeps that tensor for the
 * backward pass, but once the buffer is garbage-collected its memory is reused, and the gradients
 * computed from it are garbage (measured: 188 of 200 backward passes wrong after a GC). A scalar
 * made here is a tensor whose memory libtorch owns: autograd's own reference keeps it valid until
 * the backward pass, even when its Java handle is closed early (a scoped forward pass closes the
 * handles of a layer's intermediates as soon as the layer is done). It lives in the manager of the
 * array it scales.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * value}, differentiable in {@code x}. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(like(x, value));
    }

    /** {@code x / value}, differentiable in {@code x}. */
    public static NDArray div(NDArray x, double value) {
        return x.div(like(x, value));
    }

    /** {@code max(x, value)} element-wise, differentiable in {@code x}. */
    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(like(x, value));
    }

    /** {@code x ^ value}, differentiable in {@code x}. */
    public static NDArray pow(NDArray x, double value) {
        return x.pow(like(x, value));
    }

    /** A scalar of {@code like}'s data type, owned by {@code like}'s manager, its memory owned by libtorch. */
    public static NDArray like(NDArray like, double value) {
        NDArray wrapped = like.getManager().create(value); // over a Java direct buffer
        // A conversion or a clone copies it into memory that libtorch allocates and frees itself.
        NDArray owned = wrapped.getDataType() == like.getDataType() ? wrapped.duplicate() : wrapped.toType(like.getDataType(), false);
        wrapped.close();
        return owned;
    }
}
