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
     * 8-bit weights, {@link QuantizedMatMulOp#MATMUL_INTEGER_PER_ROW}: the form whose accuracy passes the default gate
     * ({@link ExportOptions#INT8_MIN_COSINE}) on the pretrained bundled models. all-MiniLM-L6-v2 (2 cores, AVX-512 VNNI,
     * {@code Int8InferenceBenchmark texts=300 rounds=4}): smallest cosine to fp32 on the built-in texts 0.9944 per row
     * against 0.9864 per tensor (mean 0.9965 against 0.9915), Spearman on sts-b-en/dev 0.8664 against 0.8660 (fp32
     * 0.8672); per row costs speed, about 0.65 to 0.68 times the sentences/s of per tensor (about LangChain4j's
     * all-minilm-l6-v2-q, 1.5 to 1.9 times fp32). {@link QuantizedMatMulOp#MATMUL_INTEGER} (per tensor) stays selectable
     * for models whose activations have no outliers.
     */
    public static Int8Quantization defaults() {
        return new Int8Quantization(false, QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW, true);
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
