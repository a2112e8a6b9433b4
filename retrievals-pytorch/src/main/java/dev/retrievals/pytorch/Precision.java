package dev.retrievals.pytorch;

import ai.djl.ndarray.types.DataType;
import dev.retrievals.core.RetrievalsException;
import java.util.Locale;

/** The floating-point type of a model's weights: fp32 (default) or fp16. bf16 is refused. */
public enum Precision {
    /** 32-bit floats, the default and the most accurate. */
    FP32(DataType.FLOAT32),
    /** 16-bit floats: half the memory; CPU speed varies by operation. */
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The DJL data type. */
    public DataType dataType() {
        return dataType;
    }

    /**
     * Parses {@code fp32}, {@code float32}, {@code fp16}, {@code float16} (any case).
     *
     * @throws RetrievalsException for bf16 (it aborts the JVM in DJL 0.36's PyTorch engine) or an unknown name
     */
    public static Precision parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "fp32":
            case "float32":
                return FP32;
            case "fp16":
            case "float16":
            case "half":
                return FP16;
            case "bf16":
            case "bfloat16":
                throw new RetrievalsException("Precision '" + name + "' is refused: bfloat16 arrays abort the JVM in DJL 0.36's"
                        + " PyTorch engine. Use fp32 or fp16.");
            default:
                throw new RetrievalsException("Precision '" + name + "' is unknown; expected fp32 or fp16");
        }
    }
}
