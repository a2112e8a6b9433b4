package dev.retrievals.core.onnx;

import ai.djl.ndarray.types.DataType;

/** ONNX's {@code TensorProto.DataType}: the element type of a tensor, with its wire code and byte width. */
public enum OnnxDataType {
    /** 32-bit IEEE float. */
    FLOAT(1, 4, DataType.FLOAT32),
    /** Unsigned byte. */
    UINT8(2, 1, DataType.UINT8),
    /** Signed byte. */
    INT8(3, 1, DataType.INT8),
    /** Unsigned 16-bit integer. */
    UINT16(4, 2, null),
    /** Signed 16-bit integer. */
    INT16(5, 2, DataType.INT16),
    /** Signed 32-bit integer. */
    INT32(6, 4, DataType.INT32),
    /** Signed 64-bit integer. */
    INT64(7, 8, DataType.INT64),
    /** UTF-8 strings (not supported as tensor data here). */
    STRING(8, 0, null),
    /** Booleans, one byte each. */
    BOOL(9, 1, DataType.BOOLEAN),
    /** 16-bit IEEE half float. */
    FLOAT16(10, 2, DataType.FLOAT16),
    /** 64-bit IEEE float. */
    DOUBLE(11, 8, DataType.FLOAT64),
    /** Unsigned 32-bit integer. */
    UINT32(12, 4, DataType.UINT32),
    /** Unsigned 64-bit integer. */
    UINT64(13, 8, DataType.UINT64),
    /** Two 32-bit floats (real, imaginary). */
    COMPLEX64(14, 8, null),
    /** Two 64-bit floats (real, imaginary). */
    COMPLEX128(15, 16, null),
    /** Brain float: the upper 16 bits of a 32-bit float (never turned into a DJL array: it aborts the JVM). */
    BFLOAT16(16, 2, null);

    private final int code;
    private final int byteSize;
    private final DataType djlType;

    OnnxDataType(int code, int byteSize, DataType djlType) {
        this.code = code;
        this.byteSize = byteSize;
        this.djlType = djlType;
    }

    /** The number ONNX files use for this type. */
    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data} (0 for STRING, whose elements have no fixed width). */
    public int byteSize() {
        return byteSize;
    }

    /** The DJL element type, or null when this type cannot be a DJL array here. */
    DataType djlType() {
        return djlType;
    }

    /** The type with the given ONNX code. */
    public static OnnxDataType fromCode(int code) {
        for (OnnxDataType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new OnnxFormatException("unknown ONNX data type " + code + " (expected 1..16, see TensorProto.DataType)");
    }

    /** The ONNX type of a DJL element type. */
    public static OnnxDataType fromDjl(DataType type) {
        for (OnnxDataType candidate : values()) {
            if (candidate.djlType == type) {
                return candidate;
            }
        }
        throw new OnnxFormatException("DJL data type " + type + " has no ONNX tensor type supported here");
    }
}
