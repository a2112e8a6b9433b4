package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import dev.retrievals.core.ndarray.Scalars;

/**
 * Triplet loss: an anchor must be closer to its positive than to its negatives. Two forms, over a
 * distance {@code d}:
 *
 * <ul>
 *   <li>{@link Form#HINGE} ({@code form=hinge}), FaceNet's: {@code max(0, d(a,p) − d(a,n) + margin)}.</li>
 *   <li>{@link Form#SOFT} ({@code form=soft}), open-retrievals' {@code TripletLoss}:
 *       {@code −log σ((d(a,n) − d(a,p)) / τ)} = {@code softplus((d(a,p) − d(a,n)) / τ)}. With the
 *       cosine distance this is {@code −log σ((cos(a,p) − cos(a,n)) / τ)}. It has no margin; the
 *       temperature sets how sharp it is.</li>
 * </ul>
 *
 * <p>Distances: {@link Distance#COSINE} {@code 1 − cos(x, y)} (in {@code [0, 2]}), and
 * {@link Distance#EUCLIDEAN} {@code sqrt(max(Σ(x − y)², 1e-12))} on the raw embeddings (the floor
 * keeps the gradient finite when two embeddings coincide; {@code torch.pairwise_distance} adds
 * {@code 1e-6} to the difference instead).
 *
 * <p>The loss is the mean over all (anchor, negative) terms: with {@link HardNegatives#OWN} each
 * anchor meets its own {@code n} negatives ({@code batch·n} terms); with {@link HardNegatives#SHARED}
 * every negative of the batch ({@code batch·m} terms).
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}, anchors</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}</td></tr>
 *   <tr><td>{@code negative}</td><td>{@code [batch * n, dim]} query-major for {@code own}; {@code [m, dim]} for {@code shared}</td></tr>
 * </table>
 *
 * <p>No labels.
 *
 * <p><b>Requirements</b>: (anchor, positive, negative) triplets, one or more negatives per anchor.
 * The hinge is not differentiable where {@code d(a,p) − d(a,n) + margin = 0}.
 *
 * <p><b>Defaults</b>: form hinge, distance cosine, margin 0.5 (hinge only; at most 2 with the
 * cosine distance), temperature 0.05 (soft only), own negatives.
 *
 * <p><b>Relations</b>: open-retrievals' {@code TripletLoss} is {@code form=soft, distance=cosine,
 * hard_negatives=shared, temperature=0.05}; its {@code TripletCosineSimilarity} is
 * {@code form=hinge, distance=euclidean, margin=0.5}; sentence-transformers' {@code TripletLoss}
 * is {@code form=hinge, distance=euclidean, margin=5}. {@link InfoNCE} compares the positive with
 * all negatives at once instead of one at a time.
 *
 * <p><b>References</b>: F. Schroff, D. Kalenichenko, J. Philbin, "FaceNet: A Unified Embedding for
 * Face Recognition and Clustering", CVPR 2015, arXiv:1503.03832; open-retrievals
 * {@code src/retrievals/losses/triplet.py}.
 */
public final class TripletLoss implements Loss {
    /** The plugin name. */
    public static final String NAME = "triplet";
    static final String OWNER = LossMath.owner(NAME);
    private static final double EUCLIDEAN_FLOOR = 1e-12;

    /** Hinge or soft form. */
    public static final OptionSpec<String> FORM = OptionSpec.ofChoice("form", "hinge",
            "hinge: max(0, d(a,p) - d(a,n) + margin); soft: softplus((d(a,p) - d(a,n)) / temperature), open-retrievals' TripletLoss",
            "hinge", "soft");
    /** Cosine or euclidean distance. */
    public static final OptionSpec<String> DISTANCE = OptionSpec.ofChoice("distance", "cosine",
            "cosine: 1 - cos(x, y); euclidean: |x - y| on the raw embeddings", "cosine", "euclidean");
    /** Margin of the hinge form. */
    public static final OptionSpec<Double> MARGIN =
            OptionSpec.ofDouble("margin", 0.5, "margin of the hinge form (at most 2 with the cosine distance); unused by the soft form")
                    .atLeast(0);
    /** Temperature of the soft form. */
    public static final OptionSpec<Double> TEMPERATURE =
            OptionSpec.ofDouble("temperature", 0.05, "temperature of the soft form; unused by the hinge form").greaterThan(0);
    /** Own or shared negatives. */
    public static final OptionSpec<String> HARD_NEGATIVES = OptionSpec.ofChoice("hard_negatives", "own",
            "pair each anchor with its own negatives (own) or with every negative of the batch (shared)", "own", "shared");

    /** The two forms of the triplet loss. */
    public enum Form {
        /** {@code max(0, d(a,p) − d(a,n) + margin)}. */
        HINGE,
        /** {@code softplus((d(a,p) − d(a,n)) / τ)}. */
        SOFT;

        /** The form for an option value. */
        public static Form fromOption(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** The distances between embeddings. */
    public enum Distance {
        /** {@code 1 − cos(x, y)}. */
        COSINE,
        /** {@code |x − y|}. */
        EUCLIDEAN;

        /** The distance for an option value. */
        public static Distance fromOption(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final Form form;
    private final Distance distance;
    private final double margin;
    private final double temperature;
    private final HardNegatives hardNegatives;

    private TripletLoss(Builder builder) {
        this.form = Objects.requireNonNull(builder.form, "form");
        this.distance = Objects.requireNonNull(builder.distance, "distance");
        this.margin = MARGIN.check(builder.margin, OWNER);
        this.temperature = TEMPERATURE.check(builder.temperature, OWNER);
        this.hardNegatives = Objects.requireNonNull(builder.hardNegatives, "hardNegatives");
        if (distance == Distance.COSINE && margin > 2) {
            throw new LossConfigurationException("Option 'margin' of " + OWNER + " is " + margin
                    + "; with distance=cosine distances lie in [0, 2], so the margin must be in [0, 2]");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The form. */
    public Form form() {
        return form;
    }

    /** The distance. */
    public Distance distance() {
        return distance;
    }

    /** The hinge margin. */
    public double margin() {
        return margin;
    }

    /** The soft form's temperature. */
    public double temperature() {
        return temperature;
    }

    /** How negatives meet anchors. */
    public HardNegatives hardNegatives() {
        return hardNegatives;
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray anchor = LossMath.embeddings(inputs, LossInputs.QUERY, OWNER);
        NDArray positive = LossMath.embeddings(inputs, LossInputs.POSITIVE, OWNER);
        NDArray negative = LossMath.embeddings(inputs, LossInputs.NEGATIVE, OWNER);
        LossMath.sameShape(anchor, LossInputs.QUERY, positive, LossInputs.POSITIVE, OWNER);
        LossMath.sameDim(anchor, LossInputs.QUERY, negative, LossInputs.NEGATIVE, OWNER);
        int perQuery = hardNegatives == HardNegatives.OWN ? inputs.negativesPerQuery() : 0;

        NDArray toPositive;
        NDArray toNegative;
        if (distance == Distance.COSINE) {
            NDArray a = LossMath.unit(anchor);
            NDArray p = LossMath.unit(positive);
            NDArray n = LossMath.unit(negative);
            toPositive = LossMath.rowDot(a, p).neg().add(1);
            NDArray cosines = hardNegatives == HardNegatives.OWN ? LossMath.ownDot(a, n, perQuery) : a.matMul(n.transpose());
            toNegative = cosines.neg().add(1);
        } else {
            toPositive = euclidean(anchor.sub(positive));
            NDArray differences = hardNegatives == HardNegatives.OWN
                    ? anchor.expandDims(1).sub(negative.reshape(anchor.getShape().get(0), perQuery, anchor.getShape().get(1)))
                    : anchor.expandDims(1).sub(negative.expandDims(0));
            toNegative = euclidean(differences);
        }
        NDArray gap = toPositive.expandDims(1).sub(toNegative);
        NDArray terms = form == Form.HINGE ? Scalars.maximum(gap.add(margin), 0) : LossMath.softplus(Scalars.div(gap, temperature));
        return terms.mean();
    }

    private static NDArray euclidean(NDArray differences) {
        return Scalars.maximum(differences.square().sum(new int[] {-1}), EUCLIDEAN_FLOOR).sqrt();
    }

    @Override
    public String toString() {
        return "TripletLoss[form=" + form.name().toLowerCase(Locale.ROOT) + ", distance=" + distance.name().toLowerCase(Locale.ROOT)
                + ", margin=" + margin + ", temperature=" + temperature + ", hard_negatives=" + hardNegatives.optionValue() + "]";
    }

    /** Options of {@link TripletLoss}; {@link #build()} checks them. */
    public static final class Builder {
        private Form form = Form.fromOption(FORM.defaultValue());
        private Distance distance = Distance.fromOption(DISTANCE.defaultValue());
        private double margin = MARGIN.defaultValue();
        private double temperature = TEMPERATURE.defaultValue();
        private HardNegatives hardNegatives = HardNegatives.fromOption(HARD_NEGATIVES.defaultValue());

        private Builder() {}

        /** Hinge (default) or soft. */
        public Builder form(Form form) {
            this.form = form;
            return this;
        }

        /** Cosine (default) or euclidean. */
        public Builder distance(Distance distance) {
            this.distance = distance;
            return this;
        }

        /** Hinge margin, {@code >= 0} (and {@code <= 2} with the cosine distance); default 0.5. */
        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        /** Soft-form temperature, {@code > 0}; default 0.05. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Own (default) or shared negatives. */
        public Builder hardNegatives(HardNegatives hardNegatives) {
            this.hardNegatives = hardNegatives;
            return this;
        }

        /**
         * The loss.
         *
         * @throws dev.retrievals.core.spi.InvalidOptionException for a value out of range
         * @throws LossConfigurationException for a cosine margin above 2
         */
        public TripletLoss build() {
            return new TripletLoss(this);
        }
    }
}
