package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import java.util.Set;

/**
 * Binary cross-entropy on a reranker's logits, as sentence-transformers' {@code BinaryCrossEntropyLoss}
 * ({@code torch.nn.BCEWithLogitsLoss}): each (query, document) pair's logit {@code x} is pushed
 * towards its target {@code y} in [0, 1] (a 0/1 label or a graded score):
 *
 * <pre>loss = mean over pairs of  log(1 + e^x) − y·x</pre>
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code logits}</td><td>{@code [batch, m]}: the logits of each row's {@code m} pairs</td></tr>
 *   <tr><td>{@code score} (or {@code label})</td><td>{@code [batch]} when {@code m = 1}, or {@code [batch, m]}: targets in [0, 1];
 *       without either, a group's first pair is the positive (target 1) and the others negatives (target 0)</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: a cross-encoder ({@code AutoModelForRanking}); pairs with scores or labels
 * in [0, 1] (rescale graded scores first, for example STS scores 0–5 divided by 5), or groups of a
 * positive and negatives.
 *
 * <p><b>Relations</b>: {@link ListwiseCrossEntropy} compares a group's pairs with each other instead
 * of scoring each alone.
 *
 * <p><b>References</b>: sentence-transformers {@code sentence_transformers/cross_encoder/losses/BinaryCrossEntropyLoss.py};
 * R. Nogueira, K. Cho, "Passage Re-ranking with BERT", arXiv:1901.04085.
 */
public final class BinaryCrossEntropy implements Loss {
    /** The plugin name. */
    public static final String NAME = "bce";
    static final String OWNER = LossMath.owner(NAME);

    private BinaryCrossEntropy() {}

    /** The loss. */
    public static BinaryCrossEntropy create() {
        return new BinaryCrossEntropy();
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.LOGITS);
    }

    @Override
    public Set<String> optionalInputs() {
        return Set.of(LossInputs.SCORE, LossInputs.LABEL);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray logits = LossMath.pairLogits(inputs, OWNER);
        NDArray targets = targets(inputs, logits).toType(logits.getDataType(), false).stopGradient();
        return LossMath.softplus(logits).sub(logits.mul(targets)).mean();
    }

    /** The targets, {@code [batch, m]}, checked to lie in [0, 1]. */
    private static NDArray targets(LossInputs inputs, NDArray logits) {
        long batch = logits.getShape().get(0);
        long perRow = logits.getShape().get(1);
        String role = inputs.has(LossInputs.SCORE) ? LossInputs.SCORE : inputs.has(LossInputs.LABEL) ? LossInputs.LABEL : null;
        if (role == null) {
            if (perRow < 2) {
                throw new LossInputException(OWNER + " needs a " + LossInputs.SCORE + " or " + LossInputs.LABEL + " per pair, or groups of"
                        + " a positive and negatives (m >= 2 pairs per row); got one pair per row and neither");
            }
            float[] group = new float[Math.toIntExact(batch * perRow)];
            for (int row = 0; row < batch; row++) {
                group[Math.toIntExact(row * perRow)] = 1f;
            }
            return logits.getManager().create(group, new Shape(batch, perRow));
        }
        NDArray target = inputs.require(role);
        Shape shape = target.getShape();
        boolean fits = (shape.dimension() == 1 && shape.get(0) == batch && perRow == 1)
                || (shape.dimension() == 2 && shape.get(0) == batch && shape.get(1) == perRow);
        if (!fits) {
            throw new LossInputException(OWNER + " expects " + role + " of shape [" + batch + ", " + perRow + "]"
                    + (perRow == 1 ? " or [" + batch + "]" : "") + " (one target per pair), got " + shape);
        }
        double[] values = target.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw new LossInputException(OWNER + " expects " + role + "s in [0, 1] (a label or a probability of relevance); pair " + i
                        + " of the batch has " + values[i] + ". Rescale the scores to [0, 1], for example divide STS scores 0-5 by 5"
                        + " (collator option score_scale, or --score-scale on the command line)");
            }
        }
        return target.reshape(batch, perRow);
    }

    @Override
    public String toString() {
        return "BinaryCrossEntropy[]";
    }
}
