package dev.retrievals.onnx;

import java.util.Locale;

/**
 * How one linear MatMul of an int8 export computes, as a {@link MatMulPlan} chooses it: float32 (left as it was), or int8
 * weights per output channel with activations quantized at run time per tensor (the form of
 * {@link QuantizedMatMulOp#MATMUL_INTEGER}, fastest) or per row (the form of {@link QuantizedMatMulOp#MATMUL_INTEGER_PER_ROW},
 * accurate where activations have outliers).
 */
public enum MatMulForm {
    /** The MatMul stays float32. */
    FLOAT32,
    /** Int8 weights, uint8 activations with one scale and zero point for the tensor ({@code DynamicQuantizeLinear}). */
    PER_TENSOR,
    /** Int8 weights, activations symmetric per row (per token), stored as uint8 with zero point 128. */
    PER_ROW;

    /** The lower snake case name used in metadata and reports ({@code float32}, {@code per_tensor}, {@code per_row}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
