package dev.retrievals.onnx;

/**
 * The ONNX form of an int8 MatMul with activations quantized at run time. All compute
 * {@code (quantize(x) - zero_point) * x_scale · q * w_scale}: the activations as uint8 with a scale and
 * zero point taken at run time from the whole tensor's range or from each row's, the weights as {@link Int8Weights}.
 */
public enum QuantizedMatMulOp {
    /** ONNX Runtime's fused contrib op {@code com.microsoft:DynamicQuantizeMatMul} (one node per MatMul). */
    DYNAMIC_QUANTIZE_MATMUL,
    /**
     * Standard ONNX ops: {@code DynamicQuantizeLinear} (once per activation, shared by the query, key and
     * value MatMuls), {@code MatMulInteger}, {@code Cast} and a {@code Mul} by the product of the scales (runs on
     * any ONNX runtime with opset 11+): one uint8 scale and zero point for a whole activation tensor, so one
     * outlier token or channel coarsens every row's steps.
     */
    MATMUL_INTEGER,
    /**
     * Standard ONNX ops, activations symmetric per row (per token): {@code scale_row = max |x_row| / 127}, steps
     * {@code Round(x / scale_row)} in {@code [-127, 127]} stored as uint8 with zero point 128 (once per activation, shared
     * by the query, key and value MatMuls), {@code MatMulInteger} uint8 × int8, {@code Cast}, a {@code Mul} by the column
     * scales and one by the row scales. A token's steps follow its own range, which keeps the feed-forward output MatMul
     * (after GELU, whose activations have outliers) accurate.
     */
    MATMUL_INTEGER_PER_ROW,
    /**
     * Chosen per MatMul at export ({@link MatMulPlanSearch}): the {@link #MATMUL_INTEGER} form (per tensor) where it is
     * harmless, the {@link #MATMUL_INTEGER_PER_ROW} form where an activation's outliers make per tensor cost accuracy, and
     * float32 where even per row costs too much; the choice ({@link MatMulPlan}) is recorded in the metadata. It needs the
     * export's sample texts to choose, so it exists only through {@link OnnxExporter}.
     */
    MIXED
}
