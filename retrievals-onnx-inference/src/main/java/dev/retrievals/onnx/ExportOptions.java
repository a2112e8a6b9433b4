package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.pytorch.Precision;
import java.util.List;

/**
 * How {@link OnnxExporter} writes and checks a model.
 *
 * @param precision how the weights are stored: FP32, or FP16 (halves the file; each weight is cast
 *     to float32 in the graph, so the computation, inputs and outputs stay float32, and ONNX Runtime
 *     folds the casts when it loads the file)
 * @param maxAbsDifference the largest allowed {@code |onnx - pytorch|} of any embedding component
 * @param minCosine the smallest allowed cosine between an ONNX and a PyTorch embedding
 * @param sampleTexts the texts of the check, run as one padded batch (at least one)
 * @param verify whether to run the check at all
 */
public record ExportOptions(Precision precision, double maxAbsDifference, double minCosine, List<String> sampleTexts, boolean verify) {
    private static final String OWNER = "ONNX export";
    static final OptionSpec<Double> MAX_ABS_DIFFERENCE = OptionSpec.ofDouble("max_abs_difference", 1e-4,
            "Largest allowed |onnx - pytorch| of an embedding component.").greaterThan(0);
    static final OptionSpec<Double> MIN_COSINE = OptionSpec.ofDouble("min_cosine", 0.9999,
            "Smallest allowed cosine between an ONNX and a PyTorch embedding.").atLeast(-1).atMost(1);
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
            throw new RetrievalsException("Option 'precision' of " + OWNER + " is null; allowed: FP32, FP16");
        }
        maxAbsDifference = MAX_ABS_DIFFERENCE.check(maxAbsDifference, OWNER);
        minCosine = MIN_COSINE.check(minCosine, OWNER);
        if (sampleTexts == null || sampleTexts.isEmpty() || sampleTexts.stream().anyMatch(text -> text == null)) {
            throw new RetrievalsException("Option 'sample_texts' of " + OWNER + " is " + sampleTexts + "; allowed: one or more texts");
        }
        sampleTexts = List.copyOf(sampleTexts);
    }

    /** FP32 weights, checked to 1e-4 and cosine 0.9999 on {@link #DEFAULT_SAMPLE_TEXTS}. */
    public static ExportOptions defaults() {
        return new ExportOptions(Precision.FP32, MAX_ABS_DIFFERENCE.defaultValue(), MIN_COSINE.defaultValue(), DEFAULT_SAMPLE_TEXTS, true);
    }

    /** FP16 weights, checked by cosine (at least 0.999) and a looser component bound (0.05). */
    public static ExportOptions fp16() {
        return new ExportOptions(Precision.FP16, 0.05, 0.999, DEFAULT_SAMPLE_TEXTS, true);
    }

    /** The same options with other sample texts. */
    public ExportOptions withSampleTexts(List<String> texts) {
        return new ExportOptions(precision, maxAbsDifference, minCosine, texts, verify);
    }

    /** The same options with other bounds. */
    public ExportOptions withBounds(double maxAbs, double cosine) {
        return new ExportOptions(precision, maxAbs, cosine, sampleTexts, verify);
    }

    /** The same options with the check on or off. */
    public ExportOptions withVerify(boolean value) {
        return new ExportOptions(precision, maxAbsDifference, minCosine, sampleTexts, value);
    }
}
