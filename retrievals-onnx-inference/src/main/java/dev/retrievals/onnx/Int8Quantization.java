package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;

/**
 * How an int8 export quantizes: the weight range, the ONNX form of the quantized MatMuls, and whether
 * the word-embedding table is quantized too.
 *
 * @param reduceRange 7-bit weights ({@code [-64, 64]}) instead of 8-bit ({@code [-127, 127]}): use it
 *     on CPUs without AVX-512 VNNI (or AVX-VNNI), where uint8 × int8 products are summed in
 *     saturating int16 pairs and full-range weights can overflow; it costs some accuracy
 * @param op the operators the quantized MatMuls are written with
 * @param embeddings also store the word-embedding table as int8, one scale per token ({@link Int8EmbeddingQuantizer}):
 *     the file shrinks to about a quarter; false keeps it float32
 */
public record Int8Quantization(boolean reduceRange, QuantizedMatMulOp op, boolean embeddings) {
    /** Checks the fields. */
    public Int8Quantization {
        if (op == null) {
            throw new RetrievalsException("Option 'op' of int8 quantization is null; allowed: " + java.util.Arrays.toString(
                    QuantizedMatMulOp.values()));
        }
    }

    /**
     * 8-bit weights, int8 word embeddings, {@link QuantizedMatMulOp#MIXED}: each MatMul's activations per tensor, per row or
     * float32 as {@link MatMulPlanSearch} chooses on the export's sample texts, aiming at the gate plus a margin. Of the forms
     * tried it is the one that passes the default gate ({@link ExportOptions#INT8_MIN_COSINE}) on both pretrained bundled
     * models (2 cores, AVX-512 VNNI, {@code Int8InferenceBenchmark}): all-MiniLM-L6-v2 smallest cosine 0.9933 (3 of 36 MatMuls
     * per row, the rest per tensor), about 1.3 times the sentences/s of all per row (0.9944, the default before) and 1.6
     * times LangChain4j's all-minilm-l6-v2-q; bge-small-zh-v1.5 0.9922 (7 MatMuls float32, 3 per row), where all per row
     * (0.9768) and all per tensor (0.9706) fail, at about 0.7 times all per row's speed. {@link QuantizedMatMulOp#MATMUL_INTEGER_PER_ROW}
     * and {@link QuantizedMatMulOp#MATMUL_INTEGER} stay selectable ({@link #withOp}).
     */
    public static Int8Quantization defaults() {
        return new Int8Quantization(false, QuantizedMatMulOp.MIXED, true);
    }

    /** The same settings with 7-bit (true) or 8-bit (false) weights. */
    public Int8Quantization withReduceRange(boolean value) {
        return new Int8Quantization(value, op, embeddings);
    }

    /** The same settings with another MatMul form. */
    public Int8Quantization withOp(QuantizedMatMulOp value) {
        return new Int8Quantization(reduceRange, value, embeddings);
    }

    /** The same settings with an int8 (true) or float32 (false) word-embedding table. */
    public Int8Quantization withEmbeddings(boolean value) {
        return new Int8Quantization(reduceRange, op, value);
    }

    /** The largest |weight| stored. */
    public int weightLimit() {
        return reduceRange ? Int8Weights.REDUCED_RANGE_LIMIT : Int8Weights.FULL_RANGE_LIMIT;
    }
}
