package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxAttribute;
import dev.retrievals.core.onnx.OnnxDataType;
import java.util.List;

/**
 * The core poolings ({@code dev.retrievals.core.pooling}) and L2 normalisation as ONNX subgraphs,
 * with the same formulas: masked mean with the count clamped at 1e-9, max with padding pushed to
 * -1e9, position-weighted mean, sum over the square root of the count, the last real token (left
 * or right padding), the first token; normalisation divides by the norm clamped at 1e-12.
 */
final class OnnxPoolingGraph {
    /** The pooling names that have an ONNX form. */
    static final List<String> SUPPORTED = List.of("cls", "mean", "max", "weightedmean", "mean_sqrt_len_tokens", "lasttoken");

    private OnnxPoolingGraph() {}

    /**
     * Appends a pooling.
     *
     * @param hidden {@code [b, s, h]} float token embeddings
     * @param attentionMask {@code [b, s]} integer mask
     * @return the {@code [b, h]} pooled value
     */
    static String pool(OnnxExportOps ops, String pooling, String hidden, String attentionMask) {
        switch (pooling) {
            case "cls":
                return ops.firstToken(hidden);
            case "mean": {
                String weights = maskWeights(ops, attentionMask);
                return ops.node("Div", List.of(weightedSum(ops, hidden, weights), clampedCount(ops, weights)));
            }
            case "max": {
                String padding = toFloat(ops, ops.node("Equal", List.of(maskWeights(ops, attentionMask), ops.scalar("zero", 0f))));
                String pushed = ops.node("Add", List.of(hidden, ops.node("Mul", List.of(padding, ops.scalar("max_pool_padding", -1e9f)))));
                return ops.node("ReduceMax", List.of(pushed), OnnxAttribute.ofInts("axes", 1), OnnxAttribute.ofInt("keepdims", 0));
            }
            case "weightedmean": {
                String range = ops.node("Range", List.of(ops.longScalar("one_long", 1),
                        ops.node("Add", List.of(ops.sequenceLength(hidden), ops.longScalar("one_long", 1))), ops.longScalar("step", 1)));
                String positions = ops.node("Unsqueeze", List.of(toFloat(ops, range), ops.longs("position_axes", 0, 2)));
                String weights = ops.node("Mul", List.of(maskWeights(ops, attentionMask), positions));
                return ops.node("Div", List.of(weightedSum(ops, hidden, weights), clampedCount(ops, weights)));
            }
            case "mean_sqrt_len_tokens": {
                String weights = maskWeights(ops, attentionMask);
                return ops.node("Div", List.of(weightedSum(ops, hidden, weights), ops.node("Sqrt", List.of(count(ops, weights)))));
            }
            case "lasttoken": {
                // The last position whose mask is 1 (ArgMax taking the last maximum), as a one-hot weight.
                String last = ops.node("ArgMax", List.of(toFloat(ops, attentionMask)), OnnxAttribute.ofInt("axis", 1),
                        OnnxAttribute.ofInt("keepdims", 1), OnnxAttribute.ofInt("select_last_index", 1));
                String positions = ops.positionIds(attentionMask);
                String oneHot = toFloat(ops, ops.node("Equal", List.of(positions, last)));
                String weights = ops.node("Unsqueeze", List.of(oneHot, ops.longs("hidden_axis", 2)));
                return weightedSum(ops, hidden, weights);
            }
            default:
                throw new RetrievalsException("Pooling '" + pooling + "' has no ONNX form; the exporter supports " + SUPPORTED);
        }
    }

    /** Rows divided by their L2 norm, clamped at 1e-12. */
    static String l2Normalize(OnnxExportOps ops, String embeddings) {
        String squares = ops.node("ReduceSum", List.of(ops.node("Mul", List.of(embeddings, embeddings)), ops.longs("last_axis", -1)),
                OnnxAttribute.ofInt("keepdims", 1));
        String norm = ops.node("Max", List.of(ops.node("Sqrt", List.of(squares)), ops.scalar("norm_floor", 1e-12f)));
        return ops.node("Div", List.of(embeddings, norm));
    }

    private static String toFloat(OnnxExportOps ops, String value) {
        return ops.node("Cast", List.of(value), OnnxAttribute.ofInt("to", OnnxDataType.FLOAT.code()));
    }

    /** The mask as float {@code [b, s, 1]}. */
    private static String maskWeights(OnnxExportOps ops, String attentionMask) {
        return ops.node("Unsqueeze", List.of(toFloat(ops, attentionMask), ops.longs("hidden_axis", 2)));
    }

    /** {@code sum over s of hidden * weights}: {@code [b, h]}. */
    private static String weightedSum(OnnxExportOps ops, String hidden, String weights) {
        return ops.node("ReduceSum", List.of(ops.node("Mul", List.of(hidden, weights)), ops.longs("sequence_axes", 1)),
                OnnxAttribute.ofInt("keepdims", 0));
    }

    private static String count(OnnxExportOps ops, String weights) {
        return ops.node("ReduceSum", List.of(weights, ops.longs("sequence_axes", 1)), OnnxAttribute.ofInt("keepdims", 0));
    }

    private static String clampedCount(OnnxExportOps ops, String weights) {
        return ops.node("Max", List.of(count(ops, weights), ops.scalar("count_floor", 1e-9f)));
    }
}
