package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxDataType;
import java.util.Locale;

/**
 * How an ONNX export stores the model's weights: float32, float16 (cast to float32 in the graph),
 * or int8 (the transformer's MatMul weights quantized per output channel, activations quantized at
 * run time; see {@link Int8MatMulQuantizer}). Inputs, outputs and everything that is not a MatMul
 * weight stay float32 in every case.
 */
public enum ExportPrecision {
    /** 32-bit float weights: the reference, checked to cosine 0.9999 against PyTorch. */
    FP32(OnnxDataType.FLOAT),
    /** 16-bit float weights, cast to float32 once when ONNX Runtime loads the file: half the size. */
    FP16(OnnxDataType.FLOAT16),
    /** Int8 MatMul weights with per-channel scales, dynamic activation quantization: about a quarter of the size, faster on CPU. */
    INT8(OnnxDataType.FLOAT);

    private final OnnxDataType storedFloatType;

    ExportPrecision(OnnxDataType storedFloatType) {
        this.storedFloatType = storedFloatType;
    }

    /** How the weights that stay floating point (all of them for FP32/FP16; biases, norms, embeddings for INT8) are stored. */
    OnnxDataType storedFloatType() {
        return storedFloatType;
    }

    /** The lower-case name used in metadata, reports and on the command line ({@code fp32}, {@code fp16}, {@code int8}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code fp32}, {@code fp16} or {@code int8} (any case).
     *
     * @throws RetrievalsException for any other name, listing the allowed ones
     */
    public static ExportPrecision parse(String name) {
        String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (ExportPrecision precision : values()) {
            if (precision.name().equals(key)) {
                return precision;
            }
        }
        throw new RetrievalsException("Export precision '" + name + "' is unknown; expected fp32, fp16 or int8");
    }
}
