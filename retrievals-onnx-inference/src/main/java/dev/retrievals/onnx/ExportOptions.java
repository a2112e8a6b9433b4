package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSpec;
import java.util.List;

/**
 * How {@link OnnxExporter} writes and checks a model.
 *
 * @param precision how the weights are stored: FP32; FP16 (halves the file; each weight is cast to
 *     float32 in the graph, so the computation, inputs and outputs stay float32, and ONNX Runtime
 *     folds the casts when it loads the file); or INT8 (MatMul weights quantized, see {@link Int8MatMulQuantizer})
 * @param quantization how INT8 quantizes (ignored for FP32 and FP16)
 * @param maxAbsDifference the largest allowed {@code |onnx - pytorch|} of any embedding component
 * @param minCosine the smallest allowed cosine between an ONNX and a PyTorch embedding (the accuracy gate)
 * @param sampleTexts the texts of the check (at least one)
 * @param verify whether to run the check at all
 * @param force write the file even when the check fails, with a warning (the report says it failed)
 * @param evaluator an evaluation run on both the PyTorch and the ONNX model, whose primary metrics the
 *     report shows (an STS Spearman, for example); null for none
 */
public record ExportOptions(ExportPrecision precision, Int8Quantization quantization, double maxAbsDifference, double minCosine,
        List<String> sampleTexts, boolean verify, boolean force, Evaluator evaluator) {
    private static final String OWNER = "ONNX export";
    static final OptionSpec<Double> MAX_ABS_DIFFERENCE = OptionSpec.ofDouble("max_abs_difference", 1e-4,
            "Largest allowed |onnx - pytorch| of an embedding component.").greaterThan(0);
    static final OptionSpec<Double> MIN_COSINE = OptionSpec.ofDouble("min_cosine", 0.9999,
            "Smallest allowed cosine between an ONNX and a PyTorch embedding.").atLeast(-1).atMost(1);
    /** The default accuracy gate of an int8 export: every sample's cosine to the PyTorch embedding at least 0.99. */
    public static final double INT8_MIN_COSINE = 0.99;
    /** Mixed Chinese and English texts of very different lengths, so the check pads. */
    public static final List<String> DEFAULT_SAMPLE_TEXTS = List.of(
            "今天天气很好",
            "The quick brown fox jumps over the lazy dog.",
            "深度学习模型可以把文本变成向量，用于语义检索和问答系统。",
            "Embeddings",
            "A much longer English sentence about retrieval augmented generation, vector databases, ONNX Runtime and the JVM.",
            "mixed 中英文 text with numbers 12345");

    /** Checks every field; an invalid value names the option, the value and what is allowed. */
    public ExportOptions {
        if (precision == null) {
            throw new RetrievalsException("Option 'precision' of " + OWNER + " is null; allowed: fp32, fp16, int8");
        }
        if (quantization == null) {
            throw new RetrievalsException("Option 'quantization' of " + OWNER + " is null; use Int8Quantization.defaults()");
        }
        maxAbsDifference = MAX_ABS_DIFFERENCE.check(maxAbsDifference, OWNER);
        minCosine = MIN_COSINE.check(minCosine, OWNER);
        if (sampleTexts == null || sampleTexts.isEmpty() || sampleTexts.stream().anyMatch(text -> text == null)) {
            throw new RetrievalsException("Option 'sample_texts' of " + OWNER + " is " + sampleTexts + "; allowed: one or more texts");
        }
        sampleTexts = List.copyOf(sampleTexts);
    }

    /** The default options of a precision: {@link #defaults()}, {@link #fp16()} or {@link #int8()}. */
    public static ExportOptions of(ExportPrecision precision) {
        switch (precision) {
            case FP16:
                return fp16();
            case INT8:
                return int8();
            default:
                return defaults();
        }
    }

    /** FP32 weights, checked to 1e-4 and cosine 0.9999 on {@link #DEFAULT_SAMPLE_TEXTS}. */
    public static ExportOptions defaults() {
        return new ExportOptions(ExportPrecision.FP32, Int8Quantization.defaults(), MAX_ABS_DIFFERENCE.defaultValue(),
                MIN_COSINE.defaultValue(), DEFAULT_SAMPLE_TEXTS, true, false, null);
    }

    /** FP16 weights, checked by cosine (at least 0.999) and a looser component bound (0.05). */
    public static ExportOptions fp16() {
        return defaults().withPrecision(ExportPrecision.FP16).withBounds(0.05, 0.999);
    }

    /**
     * INT8 MatMul weights ({@link Int8Quantization#defaults()}), gated by cosine alone: at least
     * {@value #INT8_MIN_COSINE} for every sample text (components are not bounded).
     */
    public static ExportOptions int8() {
        return defaults().withPrecision(ExportPrecision.INT8).withBounds(Double.MAX_VALUE, INT8_MIN_COSINE);
    }

    /** The same options with another precision (the bounds stay). */
    public ExportOptions withPrecision(ExportPrecision value) {
        return new ExportOptions(value, quantization, maxAbsDifference, minCosine, sampleTexts, verify, force, evaluator);
    }

    /** The same options with another int8 quantization. */
    public ExportOptions withQuantization(Int8Quantization value) {
        return new ExportOptions(precision, value, maxAbsDifference, minCosine, sampleTexts, verify, force, evaluator);
    }

    /** The same options with other sample texts. */
    public ExportOptions withSampleTexts(List<String> texts) {
        return new ExportOptions(precision, quantization, maxAbsDifference, minCosine, texts, verify, force, evaluator);
    }

    /** The same options with other bounds. */
    public ExportOptions withBounds(double maxAbs, double cosine) {
        return new ExportOptions(precision, quantization, maxAbs, cosine, sampleTexts, verify, force, evaluator);
    }

    /** The same options with the check on or off. */
    public ExportOptions withVerify(boolean value) {
        return new ExportOptions(precision, quantization, maxAbsDifference, minCosine, sampleTexts, value, force, evaluator);
    }

    /** The same options, writing the file (with a warning) when the check fails (true) or failing the export (false). */
    public ExportOptions withForce(boolean value) {
        return new ExportOptions(precision, quantization, maxAbsDifference, minCosine, sampleTexts, verify, value, evaluator);
    }

    /** The same options with an evaluation of both models (null for none). */
    public ExportOptions withEvaluator(Evaluator value) {
        return new ExportOptions(precision, quantization, maxAbsDifference, minCosine, sampleTexts, verify, force, value);
    }
}
