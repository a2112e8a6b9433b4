package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Objects;
import java.util.Set;

/**
 * Margin-MSE distillation: the student's score margin between a query's positive and each of its
 * negatives should equal the teacher's. With {@code sim} the student similarity:
 *
 * <pre>loss = mean_{i,j} ( (sim(q_i, p_i) − sim(q_i, n_ij)) − teacher_margin_ij )²</pre>
 *
 * <p>The teacher's margins come either ready-made or as raw teacher scores, told apart by shape.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}</td></tr>
 *   <tr><td>{@code negative}</td><td>{@code [batch * n, dim]}, query-major: each query's own {@code n >= 1} negatives</td></tr>
 *   <tr><td>{@code teacher_score}</td><td>margins {@code T(q,p) − T(q,n_j)}: {@code [batch, n]} (or {@code [batch]}
 *       when {@code n = 1}); or raw teacher scores {@code [T(q,p), T(q,n_1), …, T(q,n_n)]}: {@code [batch, 1 + n]}</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: (query, passage one, passage two …) tuples with scores from a teacher,
 * usually a cross-encoder; the passages need not be strictly positive and negative.
 *
 * <p><b>Rerankers</b>: given a cross-encoder's {@code logits} {@code [batch, 1 + n]} (the
 * {@code rerank_group} collator with {@code with_scores}) in place of the embeddings, the student's
 * margins are {@code x_i0 − x_ij}, so a teacher's scores distil into a reranker the same way.
 *
 * <p><b>Defaults</b>: similarity dot (sentence-transformers' default).
 *
 * <p><b>Relations</b>: sentence-transformers' {@code MarginMSELoss} (one negative, margin labels);
 * {@link DistillKLDiv} matches the teacher's distribution over the candidates instead of its
 * margins.
 *
 * <p><b>References</b>: S. Hofstätter et al., "Improving Efficient Neural Ranking Models with
 * Cross-Architecture Knowledge Distillation", arXiv:2010.02666; sentence-transformers
 * {@code sentence_transformers/losses/MarginMSELoss.py}.
 */
public final class MarginMSE implements Loss {
    /** The plugin name. */
    public static final String NAME = "margin_mse";
    static final String OWNER = LossMath.owner(NAME);

    /** Student similarity. */
    public static final OptionSpec<String> SIMILARITY =
            OptionSpec.ofChoice("similarity", "dot", "student similarity: dot product or cosine", "dot", "cosine");

    private final Similarity similarity;

    private MarginMSE(Similarity similarity) {
        this.similarity = Objects.requireNonNull(similarity, "similarity");
    }

    /** The loss with the dot product. */
    public static MarginMSE create() {
        return new MarginMSE(Similarity.DOT);
    }

    /** The loss with a similarity. */
    public static MarginMSE withSimilarity(Similarity similarity) {
        return new MarginMSE(similarity);
    }

    /** The similarity. */
    public Similarity similarity() {
        return similarity;
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE, LossInputs.TEACHER_SCORE);
    }

    /** Also trains a reranker: the student's margins are then its logit differences {@code x_i0 − x_ij}. */
    @Override
    public boolean acceptsPairLogits() {
        return true;
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        if (inputs.has(LossInputs.LOGITS)) {
            NDArray logits = LossMath.pairLogits(inputs, OWNER);
            long batch = logits.getShape().get(0);
            int perQuery = Math.toIntExact(logits.getShape().get(1) - 1);
            if (perQuery < 1) {
                throw new LossInputException(OWNER + " needs a group of a positive and n >= 1 negatives per query; got one pair per row");
            }
            NDArray teacherMargins = teacherMargins(inputs.require(LossInputs.TEACHER_SCORE), batch, perQuery)
                    .toType(logits.getDataType(), false).stopGradient();
            return logits.get(":, 0:1").sub(logits.get(":, 1:")).sub(teacherMargins).square().mean();
        }
        NDArray[] triple = LossMath.queryPositiveNegative(inputs, OWNER);
        NDArray query = triple[0];
        NDArray positive = triple[1];
        NDArray negative = triple[2];
        int perQuery = inputs.negativesPerQuery();
        long batch = query.getShape().get(0);
        NDArray teacherMargins = teacherMargins(inputs.require(LossInputs.TEACHER_SCORE), batch, perQuery)
                .toType(query.getDataType(), false).stopGradient();

        NDArray q = similarity.prepare(query);
        NDArray toPositive = LossMath.rowDot(q, similarity.prepare(positive));
        NDArray toNegatives = LossMath.ownDot(q, similarity.prepare(negative), perQuery);
        NDArray studentMargins = toPositive.expandDims(1).sub(toNegatives);
        return studentMargins.sub(teacherMargins).square().mean();
    }

    private static NDArray teacherMargins(NDArray teacher, long batch, int perQuery) {
        Shape shape = teacher.getShape();
        if (!teacher.getDataType().isFloating() && teacher.getDataType() != DataType.INT32 && teacher.getDataType() != DataType.INT64) {
            throw new LossInputException(OWNER + " expects numeric teacher scores, got " + teacher.getDataType());
        }
        if (shape.dimension() == 1 && shape.get(0) == batch && perQuery == 1) {
            return teacher.reshape(batch, 1);
        }
        if (shape.dimension() == 2 && shape.get(0) == batch && shape.get(1) == perQuery) {
            return teacher;
        }
        if (shape.dimension() == 2 && shape.get(0) == batch && shape.get(1) == perQuery + 1L) {
            return teacher.get(":, 0:1").sub(teacher.get(":, 1:"));
        }
        throw new LossInputException(OWNER + " expects " + LossInputs.TEACHER_SCORE + " of shape [" + batch + ", " + perQuery
                + "] (teacher margins positive minus each of the " + perQuery + " negatives"
                + (perQuery == 1 ? ", or [" + batch + "]" : "") + ") or [" + batch + ", " + (perQuery + 1)
                + "] (teacher scores of the positive then the negatives), got " + shape);
    }

    @Override
    public String toString() {
        return "MarginMSE[similarity=" + similarity.optionValue() + "]";
    }
}
