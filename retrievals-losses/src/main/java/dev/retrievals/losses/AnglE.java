package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.ndarray.Scalars;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Set;

/**
 * AnglE (angle-optimised) loss for pairs with a graded similarity score: a weighted sum of three
 * terms over the batch's pairs {@code (u_i, v_i)} with gold scores {@code y_i}.
 *
 * <ul>
 *   <li><b>cosine</b>: {@link CoSENT} with scale {@code τ_cos} on the cosines of the pairs,
 *       {@code log(1 + Σ_{y_k < y_i} exp(τ_cos·(cos_k − cos_i)))}.</li>
 *   <li><b>in-batch negatives</b> ({@code ibn}): the {@code 2·batch} texts of the batch (both sides
 *       of every pair) are compared with each other by cosine, times {@code τ_ibn}, each text
 *       excluded from its own row. A text of a pair with {@code y >= ibn_min_score} must pick its
 *       partner under cross-entropy; the rows of the other pairs have no target and add 0, but the
 *       mean runs over all {@code 2·batch} rows, as {@code angle_emb} computes it.</li>
 *   <li><b>angle</b>: each embedding is read as a complex vector, its first half the real parts
 *       {@code a} (of {@code u}) and {@code c} (of {@code v}), its second half the imaginary parts
 *       {@code b} and {@code d}. The complex quotient {@code (a + ib) / (c + id)}, divided by
 *       {@code |u| / |v|}, is {@code ((ac + bd) + i(bc − ad)) / (|u|·|v|)} per component;
 *       {@code angle_emb} sums its real and imaginary parts over the components and takes the
 *       absolute value, {@code δ = |Σ (ac + bd + bc − ad)| / (|u|·|v|)}. The term is the CoSENT
 *       ranking over {@code τ_angle·δ}: {@code log(1 + Σ_{y_k < y_i} exp(τ_angle·(δ_k − δ_i)))}.</li>
 * </ul>
 *
 * <p>{@code loss = w_cosine·cosine + w_ibn·ibn + w_angle·angle}; a term whose weight is 0 is not
 * computed.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}, first sentences ({@code dim} even)</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}, second sentences</td></tr>
 *   <tr><td>{@code score}</td><td>{@code [batch]}, gold similarity of each pair: its order ranks the
 *       pairs (cosine and angle terms), {@code score >= ibn_min_score} makes the pair a positive of
 *       the in-batch term</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: sentence pairs with a float similarity label (STS-style, or 0/1 pair
 * labels); an even embedding dimension (the halves are the real and imaginary parts).
 *
 * <p><b>Defaults</b>: weights 1, 1, 1 and {@code τ} 20, 20, 20, the paper's setup of equally
 * weighted terms (Li &amp; Li 2023, §3; {@code angle_emb}'s {@code AngleLoss} documents these
 * defaults). {@code angle_emb}'s first release (0.1, Oct 2023) used {@code τ_angle = 1}; later
 * releases ship {@code cosine_w 0, ibn_w 20, angle_w 1} (0.4) and {@code cosine_w 0, ibn_w 1,
 * angle_w 0.02} (0.5+), all with {@code τ} 20. {@code ibn_min_score} 1 reproduces
 * {@code angle_emb}'s test {@code int(label) != 0} for non-negative scores.
 *
 * <p><b>Relations</b>
 *
 * <ul>
 *   <li>{@link CoSENT}: the cosine term is CoSENT; the angle term is CoSENT with the angle
 *       similarity {@code δ} in place of the cosine (sentence-transformers' {@code AnglELoss} is this
 *       term alone, {@code w_cosine 0, w_ibn 0, w_angle 1}).</li>
 *   <li>{@link InfoNCE}: the in-batch term is InfoNCE with temperature {@code 1/τ_ibn} over all
 *       texts of the batch, both directions, where only pairs labelled positive have a target.</li>
 * </ul>
 *
 * <p><b>References</b>: X. Li, J. Li, "AnglE-optimized Text Embeddings", arXiv:2309.12871 (2023);
 * {@code angle_emb/loss.py} ({@code cosine_loss}, {@code in_batch_negative_loss},
 * {@code angle_loss}) of github.com/SeanLee97/AnglE; sentence-transformers
 * {@code util.pairwise_angle_sim}.
 */
public final class AnglE implements Loss {
    /** The plugin name. */
    public static final String NAME = "angle";
    static final String OWNER = LossMath.owner(NAME);
    /** Subtracted from a text's similarity with itself before scaling, as {@code angle_emb} does. */
    private static final double SELF = 1e12;

    /** Weight of the cosine (CoSENT) term. */
    public static final OptionSpec<Double> W_COSINE = OptionSpec.ofDouble("w_cosine", 1.0, "weight of the cosine (CoSENT) term").atLeast(0);
    /** Weight of the in-batch negative term. */
    public static final OptionSpec<Double> W_IBN = OptionSpec.ofDouble("w_ibn", 1.0, "weight of the in-batch negative term").atLeast(0);
    /** Weight of the angle term. */
    public static final OptionSpec<Double> W_ANGLE = OptionSpec.ofDouble("w_angle", 1.0, "weight of the angle term").atLeast(0);
    /** Scale of the cosines in the cosine term. */
    public static final OptionSpec<Double> TAU_COSINE =
            OptionSpec.ofDouble("tau_cosine", 20.0, "scale of the cosines in the cosine term (inverse temperature)").greaterThan(0);
    /** Scale of the cosines in the in-batch negative term. */
    public static final OptionSpec<Double> TAU_IBN =
            OptionSpec.ofDouble("tau_ibn", 20.0, "scale of the cosines in the in-batch negative term (inverse temperature)").greaterThan(0);
    /** Scale of the angle similarities in the angle term. */
    public static final OptionSpec<Double> TAU_ANGLE =
            OptionSpec.ofDouble("tau_angle", 20.0, "scale of the angle similarities in the angle term").greaterThan(0);
    /** The gold score from which a pair is a positive of the in-batch negative term. */
    public static final OptionSpec<Double> IBN_MIN_SCORE = OptionSpec.ofDouble("ibn_min_score", 1.0,
            "pairs with a gold score at least this are positives of the in-batch negative term (angle_emb: int(score) != 0)");

    private final double wCosine;
    private final double wIbn;
    private final double wAngle;
    private final double tauCosine;
    private final double tauIbn;
    private final double tauAngle;
    private final double ibnMinScore;

    private AnglE(Builder builder) {
        this.wCosine = W_COSINE.check(builder.wCosine, OWNER);
        this.wIbn = W_IBN.check(builder.wIbn, OWNER);
        this.wAngle = W_ANGLE.check(builder.wAngle, OWNER);
        this.tauCosine = TAU_COSINE.check(builder.tauCosine, OWNER);
        this.tauIbn = TAU_IBN.check(builder.tauIbn, OWNER);
        this.tauAngle = TAU_ANGLE.check(builder.tauAngle, OWNER);
        this.ibnMinScore = IBN_MIN_SCORE.check(builder.ibnMinScore, OWNER);
        if (wCosine == 0 && wIbn == 0 && wAngle == 0) {
            throw new LossConfigurationException("Options 'w_cosine', 'w_ibn' and 'w_angle' of " + OWNER
                    + " are all 0: at least one term needs a weight > 0");
        }
    }

    /** A builder with the defaults (the paper's equal weights, {@code τ} 20). */
    public static Builder builder() {
        return new Builder();
    }

    /** The loss with the defaults. */
    public static AnglE create() {
        return builder().build();
    }

    /** Weight of the cosine term. */
    public double wCosine() {
        return wCosine;
    }

    /** Weight of the in-batch negative term. */
    public double wIbn() {
        return wIbn;
    }

    /** Weight of the angle term. */
    public double wAngle() {
        return wAngle;
    }

    /** Scale of the cosine term. */
    public double tauCosine() {
        return tauCosine;
    }

    /** Scale of the in-batch negative term. */
    public double tauIbn() {
        return tauIbn;
    }

    /** Scale of the angle term. */
    public double tauAngle() {
        return tauAngle;
    }

    /** The gold score from which a pair is an in-batch positive. */
    public double ibnMinScore() {
        return ibnMinScore;
    }

    @Override
    public Set<String> requiredInputs() {
        return LossMath.SCORED_PAIR_INPUTS;
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        LossMath.ScoredPairs pairs = LossMath.scoredPairs(inputs, OWNER);
        if (pairs.first().getShape().get(1) % 2 != 0) {
            throw new LossInputException(OWNER + " expects embeddings of even dim (real and imaginary halves for the angle term), got "
                    + pairs.first().getShape());
        }
        double[] scores = pairs.scores();
        NDArray u = LossMath.unit(pairs.first());
        NDArray v = LossMath.unit(pairs.second());

        NDArray loss = null;
        if (wCosine > 0) {
            loss = weighted(loss, LossMath.orderedPairsLoss(Scalars.mul(LossMath.rowDot(u, v), tauCosine), scores), wCosine);
        }
        if (wIbn > 0) {
            loss = weighted(loss, inBatchNegatives(u, v, scores), wIbn);
        }
        if (wAngle > 0) {
            loss = weighted(loss, LossMath.orderedPairsLoss(Scalars.mul(angleSimilarity(u, v), tauAngle), scores), wAngle);
        }
        return loss;
    }

    /** {@code sum + weight·term}, or {@code weight·term} for the first term. */
    private static NDArray weighted(NDArray sum, NDArray term, double weight) {
        NDArray scaled = Scalars.mul(term, weight);
        return sum == null ? scaled : sum.add(scaled);
    }

    /**
     * {@code |Σ_k (a_k c_k + b_k d_k + b_k c_k − a_k d_k)|} per row of unit vectors {@code u = (a, b)},
     * {@code v = (c, d)}: the summed real and imaginary parts of {@code u / v} normalised by
     * {@code |u| / |v|}.
     */
    static NDArray angleSimilarity(NDArray u, NDArray v) {
        NDList uHalves = u.split(2, 1);
        NDList vHalves = v.split(2, 1);
        NDArray a = uHalves.get(0);
        NDArray b = uHalves.get(1);
        NDArray c = vHalves.get(0);
        NDArray d = vHalves.get(1);
        NDArray real = a.mul(c).add(b.mul(d));
        NDArray imaginary = b.mul(c).sub(a.mul(d));
        return real.add(imaginary).sum(new int[] {1}).abs();
    }

    /** The in-batch negative term over unit rows {@code u}, {@code v} (see the class javadoc). */
    private NDArray inBatchNegatives(NDArray u, NDArray v, double[] scores) {
        int batch = scores.length;
        int texts = 2 * batch;
        NDArray all = u.concat(v, 0);
        double[] self = new double[texts * texts];
        double[] target = new double[texts * texts];
        for (int row = 0; row < texts; row++) {
            self[row * texts + row] = SELF;
            int pair = row % batch;
            if (scores[pair] >= ibnMinScore) {
                int partner = row < batch ? row + batch : row - batch;
                target[row * texts + partner] = 1;
            }
        }
        Shape square = new Shape(texts, texts);
        NDArray similarities = all.matMul(all.transpose())
                .sub(LossMath.constant(all.getManager(), self, square, all.getDataType()));
        NDArray logits = Scalars.mul(similarities, tauIbn);
        return LossMath.softCrossEntropy(logits, LossMath.constant(all.getManager(), target, square, all.getDataType()));
    }

    @Override
    public String toString() {
        return "AnglE[w_cosine=" + wCosine + ", w_ibn=" + wIbn + ", w_angle=" + wAngle + ", tau_cosine=" + tauCosine + ", tau_ibn=" + tauIbn
                + ", tau_angle=" + tauAngle + ", ibn_min_score=" + ibnMinScore + "]";
    }

    /** Options of {@link AnglE}; {@link #build()} checks them. */
    public static final class Builder {
        private double wCosine = W_COSINE.defaultValue();
        private double wIbn = W_IBN.defaultValue();
        private double wAngle = W_ANGLE.defaultValue();
        private double tauCosine = TAU_COSINE.defaultValue();
        private double tauIbn = TAU_IBN.defaultValue();
        private double tauAngle = TAU_ANGLE.defaultValue();
        private double ibnMinScore = IBN_MIN_SCORE.defaultValue();

        private Builder() {}

        /** The three weights, each {@code >= 0}, not all 0; default 1, 1, 1. */
        public Builder weights(double cosine, double ibn, double angle) {
            this.wCosine = cosine;
            this.wIbn = ibn;
            this.wAngle = angle;
            return this;
        }

        /** The three scales, each {@code > 0}; default 20, 20, 20. */
        public Builder taus(double cosine, double ibn, double angle) {
            this.tauCosine = cosine;
            this.tauIbn = ibn;
            this.tauAngle = angle;
            return this;
        }

        /** The gold score from which a pair is an in-batch positive; default 1. */
        public Builder ibnMinScore(double ibnMinScore) {
            this.ibnMinScore = ibnMinScore;
            return this;
        }

        /**
         * The loss.
         *
         * @throws dev.retrievals.core.spi.InvalidOptionException for a value out of range
         * @throws LossConfigurationException when every weight is 0
         */
        public AnglE build() {
            return new AnglE(this);
        }
    }
}
