package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import dev.retrievals.core.ndarray.Scalars;

/**
 * InfoNCE, the contrastive loss of dense retrieval: each query must pick its own positive out of a
 * set of candidates, scored by cosine similarity divided by a temperature, under cross-entropy.
 * Embeddings are always scaled to unit length first.
 *
 * <p>For query {@code i} (unit vectors {@code q}, {@code p}, {@code n}; temperature {@code τ}) the
 * candidates are:
 *
 * <ul>
 *   <li>its positive {@code p_i} (the target);</li>
 *   <li>with in-batch negatives on, the other queries' positives {@code p_j, j ≠ i};</li>
 *   <li>with hard negatives {@link HardNegatives#SHARED shared}, every negative of the batch; with
 *       {@link HardNegatives#OWN own}, only the query's {@code n} negatives.</li>
 * </ul>
 *
 * <p>The loss is the mean over queries of {@code CE(logits_i / τ, target_i)} with label smoothing as
 * in {@code torch.nn.CrossEntropyLoss(label_smoothing=ε)}: the target distribution of a row is
 * {@code (1-ε)·onehot + ε/K}, {@code K} the row's number of candidates. With {@code symmetric} on,
 * a second term asks each positive to pick its query among all queries ({@code CE(p·qᵀ/τ, i)}, same
 * smoothing; hard negatives take no part) and the loss is the mean of the two terms.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th><th>required</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}</td><td>yes</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}</td><td>yes</td></tr>
 *   <tr><td>{@code negative}</td><td>{@code [batch * n, dim]} query-major for {@code own};
 *       {@code [m, dim]}, any {@code m >= 1}, for {@code shared}</td><td>no</td></tr>
 * </table>
 *
 * <p>No labels: row {@code i} of {@code positive} is the positive of query {@code i}.
 *
 * <p><b>Requirements</b>: (query, positive) pairs, optionally with mined hard negatives. Without
 * in-batch negatives the batch must bring hard negatives. Batches should not hold the same positive
 * twice (it would count as a negative of the other query).
 *
 * <p><b>Defaults</b>: temperature 0.05, label smoothing 0 (open-retrievals' recipe uses 0.05),
 * in-batch negatives on, hard negatives shared, no symmetric term.
 *
 * <p><b>Relations</b>
 *
 * <ul>
 *   <li>open-retrievals' {@code InfoNCE}: {@code use_inbatch_negative=True} is
 *       {@code in_batch_negatives=true, hard_negatives=shared}; {@code use_inbatch_negative=False} is
 *       {@code in_batch_negatives=false, hard_negatives=own}; {@code negative_mode='paired'} without
 *       negatives is {@code symmetric=true}.</li>
 *   <li>sentence-transformers' {@code MultipleNegativesRankingLoss} (scale 20) is this loss with
 *       temperature 0.05 and defaults; {@code MultipleNegativesSymmetricRankingLoss} adds
 *       {@code symmetric=true}.</li>
 *   <li>{@link SimCSE} is this loss applied to dropout pairs of one text.</li>
 * </ul>
 *
 * <p><b>References</b>: A. van den Oord, Y. Li, O. Vinyals, "Representation Learning with
 * Contrastive Predictive Coding", arXiv:1807.03748; open-retrievals
 * {@code src/retrievals/losses/infonce.py}.
 */
public final class InfoNCE implements Loss {
    /** The plugin name. */
    public static final String NAME = "infonce";
    static final String OWNER = LossMath.owner(NAME);

    /** Softmax temperature τ: logits are cosine similarities divided by it. */
    public static final OptionSpec<Double> TEMPERATURE =
            OptionSpec.ofDouble("temperature", 0.05, "softmax temperature; logits are cosine similarities divided by it").greaterThan(0);
    /** Label smoothing ε of the cross-entropy. */
    public static final OptionSpec<Double> LABEL_SMOOTHING = OptionSpec.ofDouble("label_smoothing", 0.0,
            "label smoothing of the cross-entropy, as torch CrossEntropyLoss(label_smoothing); the open-retrievals recipe uses 0.05")
            .atLeast(0).lessThan(1);
    /** Whether the other queries' positives count as negatives. */
    public static final OptionSpec<Boolean> IN_BATCH_NEGATIVES =
            OptionSpec.ofBoolean("in_batch_negatives", true, "use the other queries' positives as negatives");
    /** Whether hard negatives are shared across the batch or only the query's own. */
    public static final OptionSpec<String> HARD_NEGATIVES = OptionSpec.ofChoice("hard_negatives", "shared",
            "compare each query with every hard negative of the batch (shared) or only its own (own)", "shared", "own");
    /** Whether to add the positive-to-query term. */
    public static final OptionSpec<Boolean> SYMMETRIC =
            OptionSpec.ofBoolean("symmetric", false, "add the term where each positive picks its query, and average the two");

    private final double temperature;
    private final double labelSmoothing;
    private final boolean inBatchNegatives;
    private final HardNegatives hardNegatives;
    private final boolean symmetric;
    private final String owner;

    private InfoNCE(Builder builder, String owner) {
        this.owner = owner;
        this.temperature = TEMPERATURE.check(builder.temperature, owner);
        this.labelSmoothing = LABEL_SMOOTHING.check(builder.labelSmoothing, owner);
        this.inBatchNegatives = builder.inBatchNegatives;
        this.hardNegatives = builder.hardNegatives;
        this.symmetric = builder.symmetric;
        if (symmetric && !inBatchNegatives) {
            throw new LossConfigurationException("Option 'symmetric' of " + owner
                    + " needs in_batch_negatives=true: the positive-to-query term compares each positive with all queries of the batch");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The temperature. */
    public double temperature() {
        return temperature;
    }

    /** The label smoothing. */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** Whether in-batch negatives are used. */
    public boolean inBatchNegatives() {
        return inBatchNegatives;
    }

    /** How hard negatives are assigned. */
    public HardNegatives hardNegatives() {
        return hardNegatives;
    }

    /** Whether the symmetric term is added. */
    public boolean symmetric() {
        return symmetric;
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.QUERY, LossInputs.POSITIVE);
    }

    @Override
    public Set<String> optionalInputs() {
        return Set.of(LossInputs.NEGATIVE);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray query = LossMath.embeddings(inputs, LossInputs.QUERY, owner);
        NDArray positive = LossMath.embeddings(inputs, LossInputs.POSITIVE, owner);
        LossMath.sameShape(query, LossInputs.QUERY, positive, LossInputs.POSITIVE, owner);
        NDArray negative = null;
        int perQuery = 0;
        if (inputs.has(LossInputs.NEGATIVE)) {
            negative = LossMath.embeddings(inputs, LossInputs.NEGATIVE, owner);
            LossMath.sameDim(query, LossInputs.QUERY, negative, LossInputs.NEGATIVE, owner);
            if (hardNegatives == HardNegatives.OWN) {
                perQuery = inputs.negativesPerQuery();
            }
        } else if (!inBatchNegatives) {
            throw new LossInputException(owner + " with in_batch_negatives=false expects hard negatives (input '"
                    + LossInputs.NEGATIVE + "'): otherwise each query has only its positive to choose and the loss is constant");
        }
        int batch = Math.toIntExact(query.getShape().get(0));
        NDArray q = LossMath.unit(query);
        NDArray p = LossMath.unit(positive);

        List<NDArray> parts = new ArrayList<>();
        int[] targets = new int[batch];
        NDArray queryByPositive = null;
        if (inBatchNegatives) {
            queryByPositive = q.matMul(p.transpose());
            parts.add(queryByPositive);
            for (int i = 0; i < batch; i++) {
                targets[i] = i;
            }
        } else {
            parts.add(LossMath.rowDot(q, p).expandDims(1));
        }
        if (negative != null) {
            NDArray n = LossMath.unit(negative);
            parts.add(hardNegatives == HardNegatives.SHARED ? q.matMul(n.transpose()) : LossMath.ownDot(q, n, perQuery));
        }
        NDArray logits = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 1);
        NDArray loss = LossMath.crossEntropy(Scalars.div(logits, temperature), targets, labelSmoothing);
        if (symmetric) {
            int[] diagonal = new int[batch];
            for (int i = 0; i < batch; i++) {
                diagonal[i] = i;
            }
            NDArray backward = LossMath.crossEntropy(Scalars.div(queryByPositive.transpose(), temperature), diagonal, labelSmoothing);
            loss = Scalars.div(loss.add(backward), 2);
        }
        return loss;
    }

    @Override
    public String toString() {
        return "InfoNCE[temperature=" + temperature + ", label_smoothing=" + labelSmoothing + ", in_batch_negatives=" + inBatchNegatives
                + ", hard_negatives=" + hardNegatives.optionValue() + ", symmetric=" + symmetric + "]";
    }

    /** Options of {@link InfoNCE}; {@link #build()} checks them. */
    public static final class Builder {
        private double temperature = TEMPERATURE.defaultValue();
        private double labelSmoothing = LABEL_SMOOTHING.defaultValue();
        private boolean inBatchNegatives = IN_BATCH_NEGATIVES.defaultValue();
        private HardNegatives hardNegatives = HardNegatives.fromOption(HARD_NEGATIVES.defaultValue());
        private boolean symmetric = SYMMETRIC.defaultValue();

        private Builder() {}

        /** Softmax temperature, {@code > 0}; default 0.05. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Label smoothing in {@code [0, 1)}; default 0. */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** Whether other queries' positives are negatives; default true. */
        public Builder inBatchNegatives(boolean inBatchNegatives) {
            this.inBatchNegatives = inBatchNegatives;
            return this;
        }

        /** How hard negatives are assigned; default {@link HardNegatives#SHARED}. */
        public Builder hardNegatives(HardNegatives hardNegatives) {
            this.hardNegatives = Objects.requireNonNull(hardNegatives, "hardNegatives");
            return this;
        }

        /** Whether to add the positive-to-query term; default false. Needs in-batch negatives. */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        /**
         * The loss.
         *
         * @throws dev.retrievals.core.spi.InvalidOptionException for a value out of range
         * @throws LossConfigurationException for options that do not go together
         */
        public InfoNCE build() {
            return new InfoNCE(this, OWNER);
        }

        InfoNCE build(String owner) {
            return new InfoNCE(this, owner);
        }
    }
}
