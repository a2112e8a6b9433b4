package dev.retrievals.onnx;

/**
 * The ONNX form of an int8 MatMul with activations quantized at run time. Both compute
 * {@code (quantize(x) - zero_point) * x_scale · q * w_scale}: the activations as uint8 with a scale and
 * zero point taken from the tensor's range at run time, the weights as {@link Int8Weights}.
 */
public enum QuantizedMatMulOp {
    /** ONNX Runtime's fused contrib op {@code com.microsoft:DynamicQuantizeMatMul} (one node per MatMul). */
    DYNAMIC_QUANTIZE_MATMUL,
    /**
     * Standard ONNX ops: {@code DynamicQuantizeLinear} (once per activation, shared by the query, key and
     * value MatMuls), {@code MatMulInteger}, {@code Cast} and a {@code Mul} by the product of the scales (runs on
     * any ONNX runtime with opset 11+); the default.
     */
    MATMUL_INTEGER
}
