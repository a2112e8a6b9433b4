package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.ndarray.Scalars;
import java.util.Set;

/** Shape checks and the few numeric building blocks the losses share (engine-agnostic DJL ops only). */
final class LossMath {
    /** The floor of a vector's norm when normalising, as in {@code torch.nn.functional.normalize}. */
    static final double NORM_EPSILON = 1e-12;

    private LossMath() {}

    /** The array of an embedding role, checked to be a floating-point {@code [rows, dim]} matrix with rows. */
    static NDArray embeddings(LossInputs inputs, String role, String loss) {
        NDArray array = inputs.require(role);
        Shape shape = array.getShape();
        if (shape.dimension() != 2 || shape.get(0) == 0 || shape.get(1) == 0) {
            throw new LossInputException(loss + " expects " + role + " embeddings of shape [rows, dim] with rows >= 1 and dim >= 1, got "
                    + shape);
        }
        if (!array.getDataType().isFloating()) {
            throw new LossInputException(loss + " expects floating-point " + role + " embeddings, got " + array.getDataType());
        }
        return array;
    }

    /**
     * The query, positive and negative embeddings of a distillation batch, checked: queries and
     * positives of one shape, negatives of the same width. Returns {@code [query, positive, negative]}.
     */
    static NDArray[] queryPositiveNegative(LossInputs inputs, String owner) {
        NDArray query = embeddings(inputs, LossInputs.QUERY, owner);
        NDArray positive = embeddings(inputs, LossInputs.POSITIVE, owner);
        NDArray negative = embeddings(inputs, LossInputs.NEGATIVE, owner);
        sameShape(query, LossInputs.QUERY, positive, LossInputs.POSITIVE, owner);
        sameDim(query, LossInputs.QUERY, negative, LossInputs.NEGATIVE, owner);
        return new NDArray[] {query, positive, negative};
    }

    /** A batch of scored pairs: first and second embeddings of one shape, and a gold score per pair. */
    record ScoredPairs(NDArray first, NDArray second, double[] scores) {}

    /** The inputs of a scored-pair loss: {@code query}, {@code positive}, {@code score}. */
    static final Set<String> SCORED_PAIR_INPUTS = Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.SCORE);

    /** The {@code query}, {@code positive} and {@code score} inputs of a scored-pair loss, checked. */
    static ScoredPairs scoredPairs(LossInputs inputs, String owner) {
        NDArray first = embeddings(inputs, LossInputs.QUERY, owner);
        NDArray second = embeddings(inputs, LossInputs.POSITIVE, owner);
        sameShape(first, LossInputs.QUERY, second, LossInputs.POSITIVE, owner);
        double[] scores = perRow(inputs, LossInputs.SCORE, first.getShape().get(0), owner, "gold score");
        return new ScoredPairs(first, second, scores);
    }

    /** Fails unless {@code other} has the shape of {@code reference}. */
    static void sameShape(NDArray reference, String referenceRole, NDArray other, String otherRole, String loss) {
        if (!reference.getShape().equals(other.getShape())) {
            throw new LossInputException(loss + " expects " + otherRole + " of the shape of " + referenceRole + " " + reference.getShape()
                    + " (one row per " + referenceRole + "), got " + other.getShape());
        }
    }

    /** Fails unless {@code other} has as many features as {@code reference}. */
    static void sameDim(NDArray reference, String referenceRole, NDArray other, String otherRole, String loss) {
        if (reference.getShape().get(1) != other.getShape().get(1)) {
            throw new LossInputException(loss + " expects " + otherRole + " with the dim of " + referenceRole + " ("
                    + reference.getShape().get(1) + "), got " + other.getShape());
        }
    }

    /**
     * Per-row numbers of a role, {@code [batch]} or {@code [batch, 1]}, read as doubles (labels and
     * scores carry no gradient).
     */
    static double[] perRow(LossInputs inputs, String role, long batch, String loss, String meaning) {
        NDArray array = inputs.require(role);
        Shape shape = array.getShape();
        boolean column = shape.dimension() == 1 || (shape.dimension() == 2 && shape.get(1) == 1);
        if (!column || shape.get(0) != batch) {
            throw new LossInputException(loss + " expects " + role + " of shape [" + batch + "] (one " + meaning + " per row of the batch), got "
                    + shape);
        }
        return array.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** Rows scaled to unit length: {@code x / max(|x|, 1e-12)}, as {@code F.normalize(x, dim=-1)}. */
    static NDArray unit(NDArray rows) {
        return rows.div(Scalars.maximum(rows.norm(new int[] {-1}, true), NORM_EPSILON));
    }

    /** Row-wise dot products of two equally shaped matrices, {@code [rows]}. */
    static NDArray rowDot(NDArray a, NDArray b) {
        return a.mul(b).sum(new int[] {-1});
    }

    /**
     * Similarities of each query with its own {@code n} negatives: {@code [batch, n]}, entry
     * {@code (i, j)} = {@code query_i · negative_{i*n+j}}.
     */
    static NDArray ownDot(NDArray queries, NDArray negatives, int perQuery) {
        long batch = queries.getShape().get(0);
        long dim = queries.getShape().get(1);
        NDArray grouped = negatives.reshape(batch, perQuery, dim);
        return queries.expandDims(1).mul(grouped).sum(new int[] {2});
    }

    /**
     * Mean cross-entropy of rows of logits against class indices, with label smoothing as in
     * {@code torch.nn.CrossEntropyLoss(label_smoothing=ε)}: the target of a row is
     * {@code (1-ε)·onehot(target) + ε/K} over its {@code K} columns.
     */
    static NDArray crossEntropy(NDArray logits, int[] targets, double smoothing) {
        long rows = logits.getShape().get(0);
        int columns = Math.toIntExact(logits.getShape().get(1));
        double[] distribution = new double[Math.toIntExact(rows * columns)];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                distribution[row * columns + column] = smoothing / columns + (column == targets[row] ? 1 - smoothing : 0);
            }
        }
        NDArray target = constant(logits.getManager(), distribution, new Shape(rows, columns), logits.getDataType());
        return softCrossEntropy(logits, target);
    }

    /** Mean over rows of {@code -Σ_k target_k · log_softmax(logits)_k}: cross-entropy with probability targets. */
    static NDArray softCrossEntropy(NDArray logits, NDArray target) {
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
    }

    /** Subtracted from excluded differences so that {@code exp} makes them vanish, as sentence-transformers does. */
    private static final double EXCLUDED = 1e12;

    /**
     * The CoSENT ranking term over scaled pair similarities {@code x} and gold scores:
     * {@code log(1 + Σ_{score_k < score_i} exp(x_k − x_i))}, a {@code logsumexp} over {@code 0} and
     * the ordered differences. Pairs with equal scores contribute nothing.
     */
    static NDArray orderedPairsLoss(NDArray scaled, double[] scores) {
        int batch = scores.length;
        // differences[k, i] = x_k − x_i, kept where score_k < score_i
        NDArray differences = scaled.expandDims(1).sub(scaled.expandDims(0));
        double[] excluded = new double[batch * batch];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < batch; i++) {
                excluded[k * batch + i] = scores[k] < scores[i] ? 0 : EXCLUDED;
            }
        }
        NDArray masked = differences.sub(constant(scaled.getManager(), excluded, new Shape(batch, batch), scaled.getDataType())).reshape(-1);
        NDArray zero = scaled.getManager().zeros(new Shape(1), scaled.getDataType());
        return logSumExp(zero.concat(masked));
    }

    /** {@code log Σ exp(x)} over all elements, shifted by the maximum for stability. */
    static NDArray logSumExp(NDArray values) {
        NDArray max = values.max().stopGradient();
        return values.sub(max).exp().sum().log().add(max);
    }

    /** {@code log(1 + exp(x))} element-wise, computed as {@code max(x, 0) + log(1 + exp(-|x|))}. */
    static NDArray softplus(NDArray values) {
        return Scalars.maximum(values, 0).add(values.abs().neg().exp().add(1).log());
    }

    /** A constant (no gradient) of the given values, type and manager. */
    static NDArray constant(NDManager manager, double[] values, Shape shape, DataType dataType) {
        return manager.create(values, shape).toType(dataType, false);
    }

    /** A reranker's logits, {@code [batch, m]} with {@code batch, m >= 1}; fails naming the loss otherwise. */
    static NDArray pairLogits(LossInputs inputs, String loss) {
        NDArray logits = inputs.require(LossInputs.LOGITS);
        Shape shape = logits.getShape();
        if (shape.dimension() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw new LossInputException(loss + " expects " + LossInputs.LOGITS + " of shape [batch, pairs per row], got " + shape);
        }
        return logits;
    }

    /** The message part that names the loss, for example {@code loss 'infonce'}. */
    static String owner(String name) {
        return "loss '" + name + "'";
    }
}
