package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * SimCSE: contrastive learning of sentence embeddings where each sentence must pick its partner
 * among all partners of the batch, by cosine similarity divided by a temperature, under
 * cross-entropy.
 *
 * <ul>
 *   <li>{@link Mode#UNSUPERVISED}: the partner is the same text encoded a second time; dropout makes
 *       the two embeddings differ. The trainer encodes each batch twice and passes the two passes as
 *       {@code query} and {@code positive}. Logits {@code q·pᵀ/τ}, target {@code i}.</li>
 *   <li>{@link Mode#SUPERVISED}: (anchor, entailment, contradiction) triplets from NLI; the
 *       contradictions are hard negatives shared across the batch. Logits {@code q·[p; n]ᵀ/τ},
 *       target {@code i}.</li>
 * </ul>
 *
 * <p>The loss is the mean cross-entropy over rows, without label smoothing; embeddings are scaled
 * to unit length.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>mode</th><th>{@code query}</th><th>{@code positive}</th><th>{@code negative}</th></tr>
 *   <tr><td>unsupervised</td><td>{@code [batch, dim]}, first pass</td><td>{@code [batch, dim]}, second pass of the same texts</td>
 *       <td>must be absent</td></tr>
 *   <tr><td>supervised</td><td>{@code [batch, dim]}, anchors</td><td>{@code [batch, dim]}, entailments</td>
 *       <td>{@code [batch * n, dim]}, contradictions (one per anchor in the paper)</td></tr>
 * </table>
 *
 * <p>No labels.
 *
 * <p><b>Requirements</b>: unsupervised needs an encoder with dropout active during training;
 * supervised needs triplets. Batches should not repeat a text.
 *
 * <p><b>Defaults</b>: mode unsupervised, temperature 0.05 (the paper's).
 *
 * <p><b>Relations</b>: {@link InfoNCE} with in-batch negatives, shared hard negatives and no label
 * smoothing computes the same value; open-retrievals' {@code SimCSE} is the unsupervised mode.
 *
 * <p><b>References</b>: T. Gao, X. Yao, D. Chen, "SimCSE: Simple Contrastive Learning of Sentence
 * Embeddings", EMNLP 2021, arXiv:2104.08821; open-retrievals {@code src/retrievals/losses/simcse.py}.
 */
public final class SimCSE implements Loss {
    /** The plugin name. */
    public static final String NAME = "simcse";
    static final String OWNER = LossMath.owner(NAME);

    /** Softmax temperature τ. */
    public static final OptionSpec<Double> TEMPERATURE =
            OptionSpec.ofDouble("temperature", 0.05, "softmax temperature; logits are cosine similarities divided by it").greaterThan(0);
    /** Unsupervised (dropout pairs) or supervised (with hard negatives). */
    public static final OptionSpec<String> MODE = OptionSpec.ofChoice("mode", "unsupervised",
            "unsupervised: the same texts encoded twice; supervised: (anchor, positive, hard negative) triplets",
            "unsupervised", "supervised");

    /** The two training set-ups of SimCSE. */
    public enum Mode {
        /** The same texts encoded twice, dropout making the pair; no negatives. */
        UNSUPERVISED,
        /** Anchors, positives and hard negatives (shared across the batch). */
        SUPERVISED;

        /** The mode for an option value. */
        public static Mode fromOption(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final double temperature;
    private final Mode mode;
    private final InfoNCE contrastive;

    private SimCSE(double temperature, Mode mode) {
        this.temperature = TEMPERATURE.check(temperature, OWNER);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.contrastive = InfoNCE.builder().temperature(temperature).labelSmoothing(0).inBatchNegatives(true)
                .hardNegatives(HardNegatives.SHARED).build(OWNER);
    }

    /** The unsupervised loss with the paper's temperature 0.05. */
    public static SimCSE unsupervised() {
        return new SimCSE(TEMPERATURE.defaultValue(), Mode.UNSUPERVISED);
    }

    /**
     * A loss.
     *
     * @param temperature {@code > 0}
     * @throws dev.retrievals.core.spi.InvalidOptionException for a temperature out of range
     */
    public static SimCSE of(Mode mode, double temperature) {
        return new SimCSE(temperature, mode);
    }

    /** The temperature. */
    public double temperature() {
        return temperature;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    @Override
    public Set<String> requiredInputs() {
        return mode == Mode.SUPERVISED
                ? Set.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE)
                : Set.of(LossInputs.QUERY, LossInputs.POSITIVE);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        if (mode == Mode.UNSUPERVISED && inputs.has(LossInputs.NEGATIVE)) {
            throw new LossInputException(OWNER + " in unsupervised mode expects only query and positive (two passes of the same texts), "
                    + "but the batch has negatives " + inputs.require(LossInputs.NEGATIVE).getShape() + "; use mode=supervised for triplets");
        }
        if (mode == Mode.SUPERVISED) {
            inputs.require(LossInputs.NEGATIVE);
            LossMath.embeddings(inputs, LossInputs.QUERY, OWNER);
            LossMath.embeddings(inputs, LossInputs.NEGATIVE, OWNER);
            inputs.negativesPerQuery();
        }
        return contrastive.forward(inputs);
    }

    @Override
    public String toString() {
        return "SimCSE[mode=" + mode.name().toLowerCase(Locale.ROOT) + ", temperature=" + temperature + "]";
    }
}
