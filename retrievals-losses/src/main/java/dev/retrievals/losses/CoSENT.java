package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Set;
import dev.retrievals.core.ndarray.Scalars;

/**
 * CoSENT (cosine sentence) loss for pairs with a graded similarity score: every time pair
 * {@code (i)} has a higher gold score than pair {@code (k)}, the model's cosine of {@code (i)} should
 * be higher too. With {@code s} the scale and {@code c} the cosines of the pairs:
 *
 * <pre>loss = log(1 + Σ_{score_k &lt; score_i} exp(s·(c_k − c_i)))</pre>
 *
 * <p>computed as a {@code logsumexp} over {@code 0} and the ordered differences. Pairs with equal
 * scores contribute nothing; a batch of one pair, or of equal scores, has loss 0.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code query}</td><td>{@code [batch, dim]}, first sentences</td></tr>
 *   <tr><td>{@code positive}</td><td>{@code [batch, dim]}, second sentences</td></tr>
 *   <tr><td>{@code score}</td><td>{@code [batch]}, gold similarity of each pair (any scale: only the order matters)</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: sentence pairs with a float similarity label; batches with several
 * distinct labels.
 *
 * <p><b>Defaults</b>: scale 20 (an inverse temperature of 0.05).
 *
 * <p><b>Relations</b>: a drop-in replacement for a cosine-similarity regression loss that usually
 * trains faster; sentence-transformers' {@code CoSENTLoss} and open-retrievals' {@code CoSentLoss}
 * (which reads the pairs interleaved in one array) compute the same value.
 *
 * <p><b>References</b>: J. Su, "CoSENT" (2022), https://kexue.fm/archives/8847;
 * sentence-transformers {@code sentence_transformers/losses/CoSENTLoss.py}.
 */
public final class CoSENT implements Loss {
    /** The plugin name. */
    public static final String NAME = "cosent";
    static final String OWNER = LossMath.owner(NAME);

    /** Scale {@code s} applied to the cosines. */
    public static final OptionSpec<Double> SCALE =
            OptionSpec.ofDouble("scale", 20.0, "multiplies the cosines (inverse temperature)").greaterThan(0);

    private final double scale;

    private CoSENT(double scale) {
        this.scale = SCALE.check(scale, OWNER);
    }

    /** The loss with scale 20. */
    public static CoSENT create() {
        return new CoSENT(SCALE.defaultValue());
    }

    /**
     * The loss with a scale.
     *
     * @throws dev.retrievals.core.spi.InvalidOptionException for a scale {@code <= 0}
     */
    public static CoSENT withScale(double scale) {
        return new CoSENT(scale);
    }

    /** The scale. */
    public double scale() {
        return scale;
    }

    @Override
    public Set<String> requiredInputs() {
        return LossMath.SCORED_PAIR_INPUTS;
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        LossMath.ScoredPairs pairs = LossMath.scoredPairs(inputs, OWNER);
        NDArray cosines = Scalars.mul(LossMath.rowDot(LossMath.unit(pairs.first()), LossMath.unit(pairs.second())), scale);
        return LossMath.orderedPairsLoss(cosines, pairs.scores());
    }

    @Override
    public String toString() {
        return "CoSENT[scale=" + scale + "]";
    }
}
