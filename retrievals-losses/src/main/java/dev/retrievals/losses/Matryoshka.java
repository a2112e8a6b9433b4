package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.loss.StatefulLoss;
import dev.retrievals.core.spi.OptionSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import dev.retrievals.core.ndarray.Scalars;

/**
 * Matryoshka representation learning: applies an inner loss to the embeddings truncated to several
 * leading dimensions and adds the results with weights, so that a prefix of an embedding is itself
 * a good (smaller) embedding.
 *
 * <pre>loss = Σ_j weight_j · inner(shrink(inputs, dim_j))</pre>
 *
 * <p>{@code shrink} keeps the first {@code dim_j} features of every embedding role ({@code query},
 * {@code positive}, {@code negative}, {@code text}) and scales each row to unit length, as
 * sentence-transformers' {@code MatryoshkaLoss} does; labels and scores pass unchanged. Dimensions
 * are applied largest first.
 *
 * <p><b>Inputs</b>: those of the inner loss ({@link #requiredInputs()} is the inner loss's), with
 * embeddings of at least the largest dimension.
 *
 * <p><b>Requirements</b>: an inner loss without parameters of a fixed size (so not
 * {@link ArcFaceAdaptiveMarginLoss}). Losses on the dot product ({@link MarginMSE} and
 * {@link DistillKLDiv} with {@code similarity=dot}) see unit vectors here.
 *
 * <p><b>Defaults</b>: weights all 1; through the registry the inner loss is {@code infonce} with its
 * defaults and {@code dims} is required.
 *
 * <p><b>Relations</b>: sentence-transformers' {@code MatryoshkaLoss} (without
 * {@code n_dims_per_step}); open-retrievals' {@code MRLLoss}.
 *
 * <p><b>References</b>: A. Kusupati et al., "Matryoshka Representation Learning", NeurIPS 2022,
 * arXiv:2205.13147; sentence-transformers {@code sentence_transformers/losses/MatryoshkaLoss.py}.
 */
public final class Matryoshka implements Loss {
    /** The plugin name. */
    public static final String NAME = "matryoshka";
    static final String OWNER = LossMath.owner(NAME);

    /** The truncation dimensions. */
    public static final OptionSpec<String> DIMS =
            OptionSpec.ofString("dims", null, "comma-separated embedding sizes to train, e.g. 768,512,256,128,64").required();
    /** Their weights. */
    public static final OptionSpec<String> WEIGHTS =
            OptionSpec.ofString("weights", "", "comma-separated weights, one per dimension; empty for all 1");
    /** The inner loss by name. */
    public static final OptionSpec<String> LOSS = OptionSpec.ofString("loss", InfoNCE.NAME, "name of the inner loss");
    /** The inner loss's options. */
    public static final OptionSpec<String> LOSS_OPTIONS = OptionSpec.ofString("loss_options", "",
            "options of the inner loss as key=value pairs separated by commas, e.g. temperature=0.02,label_smoothing=0.05");
    /** A configured inner loss (Java API), instead of loss and loss_options. */
    public static final OptionSpec<Loss> INNER = OptionSpec.ofType("inner", Loss.class,
            "a configured inner loss (Java API only), instead of loss and loss_options");

    private final Loss inner;
    private final int[] dims;
    private final double[] weights;

    private Matryoshka(Loss inner, int[] dims, double[] weights) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (inner instanceof StatefulLoss) {
            throw new LossConfigurationException(OWNER + " cannot wrap " + inner.getClass().getSimpleName()
                    + ": its trainable parameters have a fixed embedding size, so it cannot see truncated embeddings");
        }
        if (dims.length == 0) {
            throw new LossConfigurationException("Option 'dims' of " + OWNER + " is empty; allowed: one or more sizes >= 1");
        }
        if (weights.length != dims.length) {
            throw new LossConfigurationException("Option 'weights' of " + OWNER + " has " + weights.length + " values for "
                    + dims.length + " dims; give one weight per dimension");
        }
        for (int dim : dims) {
            if (dim < 1) {
                throw new LossConfigurationException("Option 'dims' of " + OWNER + " has " + dim + "; allowed: sizes >= 1");
            }
        }
        if (Arrays.stream(dims).distinct().count() != dims.length) {
            throw new LossConfigurationException("Option 'dims' of " + OWNER + " repeats a size: " + Arrays.toString(dims));
        }
        for (double weight : weights) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new LossConfigurationException("Option 'weights' of " + OWNER + " has " + weight + "; allowed: finite numbers >= 0");
            }
        }
        Integer[] order = IntStream.range(0, dims.length).boxed().sorted(Comparator.comparingInt((Integer i) -> dims[i]).reversed())
                .toArray(Integer[]::new);
        this.dims = new int[dims.length];
        this.weights = new double[dims.length];
        for (int i = 0; i < order.length; i++) {
            this.dims[i] = dims[order[i]];
            this.weights[i] = weights[order[i]];
        }
    }

    /**
     * The inner loss at each dimension, all with weight 1.
     *
     * @throws LossConfigurationException for no or repeated dimensions, or an inner loss with parameters
     */
    public static Matryoshka of(Loss inner, int... dims) {
        double[] ones = new double[dims.length];
        Arrays.fill(ones, 1.0);
        return new Matryoshka(inner, dims.clone(), ones);
    }

    /**
     * The inner loss at each dimension with its weight.
     *
     * @throws LossConfigurationException for no or repeated dimensions, a weight count that differs
     *     from the dimension count, a negative weight, or an inner loss with parameters
     */
    public static Matryoshka of(Loss inner, int[] dims, double[] weights) {
        return new Matryoshka(inner, dims.clone(), weights.clone());
    }

    /** The inner loss. */
    public Loss inner() {
        return inner;
    }

    /** The dimensions, largest first. */
    public int[] dims() {
        return dims.clone();
    }

    /** The weights, in the order of {@link #dims()}. */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public Set<String> requiredInputs() {
        return inner.requiredInputs();
    }

    @Override
    public Set<String> optionalInputs() {
        return inner.optionalInputs();
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray total = null;
        for (int j = 0; j < dims.length; j++) {
            LossInputs shrunk = inputs;
            for (String role : inputs.roles()) {
                if (LossInputs.EMBEDDING_ROLES.contains(role)) {
                    shrunk = shrunk.with(role, shrink(LossMath.embeddings(inputs, role, OWNER), role, dims[j]));
                }
            }
            NDArray term = Scalars.mul(inner.forward(shrunk), weights[j]);
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    private static NDArray shrink(NDArray embeddings, String role, int dim) {
        long available = embeddings.getShape().get(1);
        if (dim > available) {
            throw new LossInputException(OWNER + " expects " + role + " embeddings of at least " + dim
                    + " dimensions (its largest dim), got " + embeddings.getShape());
        }
        NDArray truncated = dim == available ? embeddings : embeddings.get(":, 0:" + dim);
        return LossMath.unit(truncated);
    }

    @Override
    public String toString() {
        return "Matryoshka[inner=" + inner + ", dims=" + Arrays.toString(dims) + ", weights=" + Arrays.toString(weights) + "]";
    }
}
