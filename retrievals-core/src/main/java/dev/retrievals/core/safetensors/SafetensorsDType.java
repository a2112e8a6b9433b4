package dev.retrievals.core.safetensors;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;

/** The element types a safetensors header names ({@code "dtype"}), with their byte widths and DJL types. */
public enum SafetensorsDType {
    /** 64-bit float. */
    F64(8, DataType.FLOAT64),
    /** 32-bit float. */
    F32(4, DataType.FLOAT32),
    /** 16-bit IEEE half float. */
    F16(2, DataType.FLOAT16),
    /** Brain float 16; widened to float32 when it becomes a DJL array (bfloat16 arrays abort the JVM). */
    BF16(2, null),
    /** 64-bit signed integer. */
    I64(8, DataType.INT64),
    /** 32-bit signed integer. */
    I32(4, DataType.INT32),
    /** 16-bit signed integer. */
    I16(2, DataType.INT16),
    /** 8-bit signed integer. */
    I8(1, DataType.INT8),
    /** 8-bit unsigned integer. */
    U8(1, DataType.UINT8),
    /** 16-bit unsigned integer (header only: no DJL array). */
    U16(2, null),
    /** 32-bit unsigned integer (header only: no DJL array). */
    U32(4, null),
    /** 64-bit unsigned integer (header only: no DJL array). */
    U64(8, null),
    /** Booleans, one byte each. */
    BOOL(1, DataType.BOOLEAN);

    private final int byteSize;
    private final DataType djlType;

    SafetensorsDType(int byteSize, DataType djlType) {
        this.byteSize = byteSize;
        this.djlType = djlType;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The DJL type of arrays made from this dtype (BF16 becomes FLOAT32), if any. */
    public Optional<DataType> djlType() {
        return Optional.ofNullable(this == BF16 ? DataType.FLOAT32 : djlType);
    }

    /** The dtype a header names, if known. */
    public static Optional<SafetensorsDType> fromName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The dtype that stores a DJL type. */
    public static SafetensorsDType fromDjl(DataType type) {
        return Arrays.stream(values()).filter(d -> d.djlType == type).findFirst()
                .orElseThrow(() -> new SafetensorsFormatException("DJL type " + type
                        + " cannot be stored in safetensors here (expected one of F64, F32, F16, I64, I32, I16, I8, "
                        + "U8, BOOL)"));
    }
}
