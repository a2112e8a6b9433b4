package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Objects;
import java.util.Set;
import dev.retrievals.core.ndarray.Scalars;

/**
 * KL-divergence distillation on teacher scores: over each query's candidates (its positive, then
 * its own negatives) the student's softmax should match the teacher's. With temperature {@code T},
 * student scores {@code s} and teacher scores {@code t}:
 *
 * <pre>loss = T² · (1/batch) · Σ_i Σ_k softmax(t_i/T)_k · (log softmax(t_i/T)_k − log softmax(s_i/T)_k)</pre>
 *
 * <p>that is {@code torch.nn.KLDivLoss(reduction="batchmean")} of the student's log-probabilities
 * against the teacher's probabilities, times {@code T²} so that gradients keep their size across
 * temperatures. The teacher scores carry no gradient.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}</td></tr>
 *   <tr><td>{@code negative}</td><td>{@code [batch * n, dim]}, query-major: each query's own {@code n >= 1} negatives</td></tr>
 *   <tr><td>{@code teacher_score}</td><td>{@code [batch, 1 + n]}: {@code [T(q,p), T(q,n_1), …, T(q,n_n)]}</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: (query, positive, negative_1 … negative_n) tuples with a teacher's scores
 * of every pair.
 *
 * <p><b>Rerankers</b>: given a cross-encoder's {@code logits} {@code [batch, 1 + n]} in place of
 * the embeddings, the student's distribution is the softmax of its logits over the group.
 *
 * <p><b>Defaults</b>: similarity dot, temperature 1 (sentence-transformers' defaults since 5.0.1).
 *
 * <p><b>Relations</b>: sentence-transformers' {@code DistillKLDivLoss}; {@link MarginMSE} matches
 * margins instead of distributions and so keeps the teacher's scale.
 *
 * <p><b>References</b>: S.-C. Lin, J.-H. Yang, J. Lin, "Distilling Dense Representations for
 * Ranking using Tightly-Coupled Teachers", arXiv:2010.11386; sentence-transformers
 * {@code sentence_transformers/losses/DistillKLDivLoss.py}.
 */
public final class DistillKLDiv implements Loss {
    /** The plugin name. */
    public static final String NAME = "distill_kl_div";
    static final String OWNER = LossMath.owner(NAME);

    /** Student similarity. */
    public static final OptionSpec<String> SIMILARITY =
            OptionSpec.ofChoice("similarity", "dot", "student similarity: dot product or cosine", "dot", "cosine");
    /** Softmax temperature of both distributions. */
    public static final OptionSpec<Double> TEMPERATURE = OptionSpec.ofDouble("temperature", 1.0,
            "divides student and teacher scores before the softmax; the loss is multiplied by its square").greaterThan(0);

    private final Similarity similarity;
    private final double temperature;

    private DistillKLDiv(Similarity similarity, double temperature) {
        this.similarity = Objects.requireNonNull(similarity, "similarity");
        this.temperature = TEMPERATURE.check(temperature, OWNER);
    }

    /** The loss with the dot product and temperature 1. */
    public static DistillKLDiv create() {
        return new DistillKLDiv(Similarity.DOT, TEMPERATURE.defaultValue());
    }

    /**
     * The loss with a similarity and temperature.
     *
     * @throws dev.retrievals.core.spi.InvalidOptionException for a temperature {@code <= 0}
     */
    public static DistillKLDiv of(Similarity similarity, double temperature) {
        return new DistillKLDiv(similarity, temperature);
    }

    /** The similarity. */
    public Similarity similarity() {
        return similarity;
    }

    /** The temperature. */
    public double temperature() {
        return temperature;
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE, LossInputs.TEACHER_SCORE);
    }

    /** Also trains a reranker: the student's scores are then its logits over the group. */
    @Override
    public boolean acceptsPairLogits() {
        return true;
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray studentScores;
        if (inputs.has(LossInputs.LOGITS)) {
            studentScores = LossMath.pairLogits(inputs, OWNER);
        } else {
            NDArray[] triple = LossMath.queryPositiveNegative(inputs, OWNER);
            int perQuery = inputs.negativesPerQuery();
            NDArray q = similarity.prepare(triple[0]);
            NDArray toPositive = LossMath.rowDot(q, similarity.prepare(triple[1])).expandDims(1);
            studentScores = toPositive.concat(LossMath.ownDot(q, similarity.prepare(triple[2]), perQuery), 1);
        }
        long batch = studentScores.getShape().get(0);
        long candidates = studentScores.getShape().get(1);
        NDArray teacher = inputs.require(LossInputs.TEACHER_SCORE);
        Shape expected = new Shape(batch, candidates);
        if (!teacher.getShape().equals(expected)) {
            throw new LossInputException(OWNER + " expects " + LossInputs.TEACHER_SCORE + " of shape " + expected
                    + " (teacher scores of the positive then the " + (candidates - 1) + " negatives of each query), got " + teacher.getShape());
        }

        NDArray studentLog = Scalars.div(studentScores, temperature).logSoftmax(1);
        NDArray teacherLog = teacher.toType(studentScores.getDataType(), false).stopGradient().div(temperature).logSoftmax(1);
        NDArray divergence = teacherLog.exp().mul(teacherLog.sub(studentLog)).sum();
        return Scalars.mul(divergence, temperature * temperature / batch);
    }

    @Override
    public String toString() {
        return "DistillKLDiv[similarity=" + similarity.optionValue() + ", temperature=" + temperature + "]";
    }
}
