package dev.retrievals.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.ndarray.InPlaceCopy;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.loss.LossMode;
import dev.retrievals.core.loss.LossState;
import dev.retrievals.core.loss.StatefulLoss;
import dev.retrievals.core.spi.OptionSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.retrievals.core.ndarray.Scalars;

/**
 * ArcFace with an adaptive margin, for point-wise training on (text, class label): each class has
 * a learnable centre {@code arc_weight[k]}, and a text must lie within a smaller angle of its own
 * centre than of the others, by an additive angular margin {@code m}.
 *
 * <p>With {@code x} the unit embedding, {@code W} the unit class centres, {@code s} the scale:
 *
 * <pre>
 * cos_k = x · W_k                         sin_k = sqrt(max(1 − cos_k², 1e-12))
 * phi_k = cos(θ_k + m) = cos_k·cos m − sin_k·sin m
 * phi_k ← cos_k > 0 ? phi_k : cos_k                           (easy margin)
 * phi_k ← cos_k > cos(π − m) ? phi_k : cos_k − m·sin(π − m)   (otherwise: keeps the logit monotonic)
 * T     = (1 − ε)·onehot(label) + ε/K                          (label smoothing ε, K classes)
 * z     = s · (T ⊙ phi + (1 − T) ⊙ cos)
 * loss  = mean_i −Σ_k T_ik · log_softmax(z_i)_k
 * </pre>
 *
 * <p>This follows open-retrievals' {@code ArcFaceAdaptiveMarginLoss}: the smoothed one-hot both
 * mixes the margin logit in and is the cross-entropy's target (as
 * {@code torch.nn.CrossEntropyLoss} with probability targets). The floor under {@code sin} keeps
 * the gradient finite when a text lies exactly on a centre.
 *
 * <p><b>State.</b> {@code arc_weight} ({@code [num_classes, embedding_size]}) is a trainable
 * parameter created by {@link #initialize(NDManager, DataType)} with Xavier-uniform values
 * ({@code U(±sqrt(6 / (num_classes + embedding_size)))}) or, with {@code init=centroids}, then
 * overwritten by {@link #initializeFromData(LossInputs)} with the mean unit embedding of each class
 * (classes absent from that data keep their Xavier rows). The margin follows a
 * {@link MarginSchedule} that advances on {@link #onStepEnd()} in training mode only; it can be
 * replaced at any time ({@link #setMargin}, {@link #setMarginSchedule}). {@link #state} and
 * {@link #restore} carry the weights, the step and the schedule.
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code text}</td><td>{@code [batch, embedding_size]}</td></tr>
 *   <tr><td>{@code label}</td><td>{@code [batch]} integer class ids in {@code [0, num_classes)}</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: single texts with one class label each, and a fixed set of classes known
 * before training.
 *
 * <p><b>Defaults</b>: scale 30, margin 0.5 (radians), easy margin off, label smoothing 0, init
 * {@code xavier_uniform}, no margin ramp ({@code margin_ramp_steps=0}); {@code num_classes} and
 * {@code embedding_size} are required.
 *
 * <p><b>Relations</b>: a classification loss, unlike the pair losses ({@link InfoNCE},
 * {@link TripletLoss}); the class centres are discarded after training and only the encoder is
 * kept. Not usable inside {@link Matryoshka} (the centres have a fixed dimension).
 *
 * <p><b>References</b>: J. Deng, J. Guo, N. Xue, S. Zafeiriou, "ArcFace: Additive Angular Margin
 * Loss for Deep Face Recognition", CVPR 2019, arXiv:1801.07698; open-retrievals
 * {@code src/retrievals/losses/arcface.py}.
 */
public final class ArcFaceAdaptiveMarginLoss implements StatefulLoss {
    private static final Logger LOG = LoggerFactory.getLogger(ArcFaceAdaptiveMarginLoss.class);

    /** The plugin name. */
    public static final String NAME = "arcface";
    static final String OWNER = LossMath.owner(NAME);
    /** The name of the class-centre parameter, as in open-retrievals. */
    public static final String WEIGHT = "arc_weight";
    /** State value: optimizer steps counted. */
    public static final String STATE_STEP = "step";
    /** State value: the margin at the current step (informational; restore recomputes it). */
    public static final String STATE_MARGIN = "margin";
    /** State value: the schedule's start margin. */
    public static final String STATE_MARGIN_START = "margin_start";
    /** State value: the schedule's end margin. */
    public static final String STATE_MARGIN_END = "margin_end";
    /** State value: the schedule's ramp length (0 for a constant). */
    public static final String STATE_MARGIN_RAMP_STEPS = "margin_ramp_steps";
    private static final double SINE_FLOOR = 1e-12;

    /** Number of classes. */
    public static final OptionSpec<Integer> NUM_CLASSES =
            OptionSpec.ofInt("num_classes", 2, "number of classes (rows of arc_weight)").required().atLeast(2);
    /** Embedding size. */
    public static final OptionSpec<Integer> EMBEDDING_SIZE =
            OptionSpec.ofInt("embedding_size", 1, "size of the embeddings (columns of arc_weight)").required().atLeast(1);
    /** Scale s of the logits. */
    public static final OptionSpec<Double> SCALE = OptionSpec.ofDouble("scale", 30.0, "multiplies the logits").greaterThan(0);
    /** The margin (the end margin of a ramp). */
    public static final OptionSpec<Double> MARGIN = OptionSpec.ofDouble("margin", 0.5,
            "additive angular margin in radians; with margin_ramp_steps > 0 the margin reached at the end of the ramp")
            .atLeast(0).atMost(MarginSchedule.MAX_MARGIN);
    /** Easy margin. */
    public static final OptionSpec<Boolean> EASY_MARGIN =
            OptionSpec.ofBoolean("easy_margin", false, "apply the margin only where cos > 0 (else where cos > cos(pi - margin))");
    /** Label smoothing ε. */
    public static final OptionSpec<Double> LABEL_SMOOTHING = OptionSpec.ofDouble("label_smoothing", 0.0,
            "label smoothing: target (1 - eps) * onehot + eps / num_classes").atLeast(0).lessThan(1);
    /** Initialisation of arc_weight. */
    public static final OptionSpec<String> INIT = OptionSpec.ofChoice("init", "xavier_uniform",
            "initialisation of arc_weight: xavier_uniform, or centroids (class means of embeddings given by the trainer)",
            "xavier_uniform", "centroids");
    /** Start margin of a linear ramp. */
    public static final OptionSpec<Double> MARGIN_START = OptionSpec.ofDouble("margin_start", 0.0,
            "margin at step 0 of a linear ramp (used when margin_ramp_steps > 0)").atLeast(0).atMost(MarginSchedule.MAX_MARGIN);
    /** Length of the ramp. */
    public static final OptionSpec<Integer> MARGIN_RAMP_STEPS = OptionSpec.ofInt("margin_ramp_steps", 0,
            "optimizer steps over which the margin moves linearly from margin_start to margin; 0 keeps it constant").atLeast(0);

    /** How arc_weight starts. */
    public enum Init {
        /** Xavier (Glorot) uniform, as {@code nn.init.xavier_uniform_}. */
        XAVIER_UNIFORM,
        /** Class centroids of the embeddings given to {@link #initializeFromData(LossInputs)}. */
        CENTROIDS;

        /** The init for an option value. */
        public static Init fromOption(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final int numClasses;
    private final int embeddingSize;
    private final double scale;
    private final boolean easyMargin;
    private final double labelSmoothing;
    private final Init init;

    private MarginSchedule schedule;
    private long step;
    private LossMode mode = LossMode.TRAINING;
    private NDManager parameterManager;
    private NDArray weight;
    private boolean dataInitialized;
    private boolean closed;

    private ArcFaceAdaptiveMarginLoss(Builder builder) {
        this.numClasses = NUM_CLASSES.check(builder.numClasses, OWNER);
        this.embeddingSize = EMBEDDING_SIZE.check(builder.embeddingSize, OWNER);
        this.scale = SCALE.check(builder.scale, OWNER);
        this.easyMargin = builder.easyMargin;
        this.labelSmoothing = LABEL_SMOOTHING.check(builder.labelSmoothing, OWNER);
        this.init = Objects.requireNonNull(builder.init, "init");
        if (builder.schedule != null) {
            this.schedule = builder.schedule;
        } else {
            double margin = MARGIN.check(builder.margin, OWNER);
            this.schedule = MarginSchedule.constant(margin);
        }
    }

    /**
     * A builder.
     *
     * @param numClasses {@code >= 2}
     * @param embeddingSize {@code >= 1}
     */
    public static Builder builder(int numClasses, int embeddingSize) {
        return new Builder(numClasses, embeddingSize);
    }

    /** The number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** The embedding size. */
    public int embeddingSize() {
        return embeddingSize;
    }

    /** The scale. */
    public double scale() {
        return scale;
    }

    /** Whether the easy margin is used. */
    public boolean easyMargin() {
        return easyMargin;
    }

    /** The label smoothing. */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** How arc_weight is initialised. */
    public Init init() {
        return init;
    }

    /** The margin at the current step. */
    public double margin() {
        return schedule.marginAt(step);
    }

    /** The margin schedule. */
    public MarginSchedule marginSchedule() {
        return schedule;
    }

    /**
     * Fixes the margin from now on (replacing any schedule).
     *
     * @throws LossConfigurationException for a margin outside {@code [0, π/2]}
     */
    public void setMargin(double margin) {
        this.schedule = MarginSchedule.constant(margin);
    }

    /** Replaces the margin schedule; it is read at the current step. */
    public void setMarginSchedule(MarginSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.TEXT, LossInputs.LABEL);
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        checkOpen();
        if (weight != null) {
            throw new LossConfigurationException(OWNER + " is already initialized");
        }
        if (!dataType.isFloating()) {
            throw new LossConfigurationException(OWNER + " needs a floating-point type for " + WEIGHT + ", got " + dataType);
        }
        parameterManager = manager.newSubManager();
        float bound = (float) Math.sqrt(6.0 / (numClasses + embeddingSize));
        weight = parameterManager.randomUniform(-bound, bound, new Shape(numClasses, embeddingSize), dataType);
        weight.setName(WEIGHT);
        weight.setRequiresGradient(true);
    }

    @Override
    public boolean isInitialized() {
        return weight != null;
    }

    @Override
    public boolean needsDataInitialization() {
        return init == Init.CENTROIDS && !dataInitialized;
    }

    /**
     * Sets each class's row of {@code arc_weight} to the mean of the unit embeddings of its texts
     * (only the direction matters: the forward pass normalises the rows). Classes without texts in
     * {@code inputs} keep their current row. Works whatever {@link #init()} says; the trainer calls it
     * when {@link #needsDataInitialization()}.
     *
     * <p>Reads {@code text} {@code [rows, embedding_size]} and {@code label} {@code [rows]}.
     */
    @Override
    public void initializeFromData(LossInputs inputs) {
        requireInitialized();
        NDArray texts = LossMath.embeddings(inputs, LossInputs.TEXT, OWNER);
        checkEmbeddingSize(texts);
        int rows = Math.toIntExact(texts.getShape().get(0));
        int[] labels = labels(inputs, rows);
        double[] values = texts.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] sums = new double[numClasses * embeddingSize];
        int[] counts = new int[numClasses];
        for (int row = 0; row < rows; row++) {
            double norm = 0;
            for (int d = 0; d < embeddingSize; d++) {
                norm += values[row * embeddingSize + d] * values[row * embeddingSize + d];
            }
            norm = Math.max(Math.sqrt(norm), LossMath.NORM_EPSILON);
            for (int d = 0; d < embeddingSize; d++) {
                sums[labels[row] * embeddingSize + d] += values[row * embeddingSize + d] / norm;
            }
            counts[labels[row]]++;
        }
        double[] centres = weight.toType(DataType.FLOAT64, false).toDoubleArray();
        int missing = 0;
        for (int k = 0; k < numClasses; k++) {
            if (counts[k] == 0) {
                missing++;
                continue;
            }
            for (int d = 0; d < embeddingSize; d++) {
                centres[k * embeddingSize + d] = sums[k * embeddingSize + d] / counts[k];
            }
        }
        if (missing > 0) {
            LOG.warn("{}: {} of {} classes have no texts in the initialisation data and keep their Xavier-uniform centres",
                    OWNER, missing, numClasses);
        }
        overwrite(weight, centres);
        dataInitialized = true;
    }

    @Override
    public Map<String, NDArray> parameters() {
        requireInitialized();
        return Map.of(WEIGHT, weight);
    }

    @Override
    public void setMode(LossMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public LossMode mode() {
        return mode;
    }

    @Override
    public void onStepEnd() {
        if (mode == LossMode.TRAINING) {
            step++;
        }
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public LossState state(NDManager manager) {
        requireInitialized();
        NDArray copy = manager.create(weight.toByteBuffer(), weight.getShape(), weight.getDataType());
        copy.setName(WEIGHT);
        Map<String, Number> values = new LinkedHashMap<>();
        values.put(STATE_STEP, step);
        values.put(STATE_MARGIN, margin());
        values.put(STATE_MARGIN_START, schedule.start());
        values.put(STATE_MARGIN_END, schedule.end());
        values.put(STATE_MARGIN_RAMP_STEPS, schedule.steps());
        return new LossState(Map.of(WEIGHT, copy), values);
    }

    @Override
    public void restore(LossState state) {
        requireInitialized();
        NDArray saved = state.array(WEIGHT);
        if (!saved.getShape().equals(weight.getShape())) {
            throw new LossConfigurationException(OWNER + " cannot restore " + WEIGHT + " of shape " + saved.getShape()
                    + " into one of shape " + weight.getShape() + " (num_classes, embedding_size)");
        }
        long savedStep = state.longValue(STATE_STEP);
        long rampSteps = state.longValue(STATE_MARGIN_RAMP_STEPS);
        double start = state.doubleValue(STATE_MARGIN_START);
        double end = state.doubleValue(STATE_MARGIN_END);
        MarginSchedule savedSchedule = rampSteps == 0 ? MarginSchedule.constant(end) : MarginSchedule.linear(start, end, rampSteps);
        if (savedStep < 0) {
            throw new LossConfigurationException(OWNER + " cannot restore a negative step " + savedStep);
        }
        overwrite(weight, saved.toType(DataType.FLOAT64, false).toDoubleArray());
        this.schedule = savedSchedule;
        this.step = savedStep;
        this.dataInitialized = true;
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        requireInitialized();
        NDArray texts = LossMath.embeddings(inputs, LossInputs.TEXT, OWNER);
        checkEmbeddingSize(texts);
        int batch = Math.toIntExact(texts.getShape().get(0));
        int[] labels = labels(inputs, batch);
        NDManager manager = texts.getManager();
        DataType type = texts.getDataType();
        if (type != weight.getDataType()) {
            throw new LossInputException(OWNER + " expects text embeddings of the type of " + WEIGHT + " (" + weight.getDataType()
                    + "), got " + type);
        }

        // Start from the inputs' manager so that no intermediate attaches to the parameter manager.
        NDArray centres = manager.zeros(weight.getShape(), type).add(weight);
        NDArray cosine = LossMath.unit(texts).matMul(LossMath.unit(centres).transpose());
        NDArray sine = Scalars.maximum(cosine.square().neg().add(1), SINE_FLOOR).sqrt();
        double margin = margin();
        NDArray phi = Scalars.mul(cosine, Math.cos(margin)).sub(Scalars.mul(sine, Math.sin(margin)));
        if (easyMargin) {
            phi = NDArrays.where(cosine.gt(0), phi, cosine);
        } else {
            double threshold = Math.cos(Math.PI - margin);
            double fallback = Math.sin(Math.PI - margin) * margin;
            phi = NDArrays.where(cosine.gt(threshold), phi, cosine.sub(fallback));
        }
        double[] target = new double[batch * numClasses];
        for (int row = 0; row < batch; row++) {
            for (int k = 0; k < numClasses; k++) {
                target[row * numClasses + k] = labelSmoothing / numClasses + (k == labels[row] ? 1 - labelSmoothing : 0);
            }
        }
        NDArray targets = LossMath.constant(manager, target, new Shape(batch, numClasses), type);
        NDArray logits = Scalars.mul(targets.mul(phi).add(targets.neg().add(1).mul(cosine)), scale);
        return LossMath.softCrossEntropy(logits, targets);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (parameterManager != null) {
                parameterManager.close();
            }
            weight = null;
        }
    }

    private int[] labels(LossInputs inputs, int rows) {
        NDArray array = inputs.require(LossInputs.LABEL);
        if (array.getDataType().isFloating()) {
            throw new LossInputException(OWNER + " expects integer class ids in " + LossInputs.LABEL + ", got " + array.getDataType());
        }
        double[] values = LossMath.perRow(inputs, LossInputs.LABEL, rows, OWNER, "class id");
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            if (values[row] < 0 || values[row] >= numClasses) {
                throw new LossInputException(OWNER + " expects class ids in [0, " + numClasses + "), got " + (long) values[row]
                        + " at row " + row);
            }
            labels[row] = (int) values[row];
        }
        return labels;
    }

    private void checkEmbeddingSize(NDArray texts) {
        if (texts.getShape().get(1) != embeddingSize) {
            throw new LossInputException(OWNER + " expects " + LossInputs.TEXT + " of shape [batch, " + embeddingSize
                    + "] (embedding_size), got " + texts.getShape());
        }
    }

    private void requireInitialized() {
        checkOpen();
        if (weight == null) {
            throw new LossConfigurationException(OWNER + " has no " + WEIGHT + " yet: call initialize(manager, dataType) first");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LossConfigurationException(OWNER + " is closed");
        }
    }

    /** Copies values into a parameter in place, keeping its identity (an optimizer may hold it). */
    private static void overwrite(NDArray parameter, double[] values) {
        try (NDManager scratch = parameter.getManager().newSubManager()) {
            InPlaceCopy.copy(scratch.create(values, parameter.getShape()), parameter, OWNER + " parameter");
        }
    }

    @Override
    public String toString() {
        return "ArcFaceAdaptiveMarginLoss[num_classes=" + numClasses + ", embedding_size=" + embeddingSize + ", scale=" + scale
                + ", margin=" + schedule + ", easy_margin=" + easyMargin + ", label_smoothing=" + labelSmoothing + ", init="
                + init.name().toLowerCase(Locale.ROOT) + ", step=" + step + ", mode=" + mode + "]";
    }

    /** Options of {@link ArcFaceAdaptiveMarginLoss}; {@link #build()} checks them. */
    public static final class Builder {
        private final int numClasses;
        private final int embeddingSize;
        private double scale = SCALE.defaultValue();
        private double margin = MARGIN.defaultValue();
        private MarginSchedule schedule;
        private boolean easyMargin = EASY_MARGIN.defaultValue();
        private double labelSmoothing = LABEL_SMOOTHING.defaultValue();
        private Init init = Init.fromOption(INIT.defaultValue());

        private Builder(int numClasses, int embeddingSize) {
            this.numClasses = numClasses;
            this.embeddingSize = embeddingSize;
        }

        /** Logit scale, {@code > 0}; default 30. */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** A constant margin in radians, in {@code [0, π/2]}; default 0.5. Replaces a schedule set before. */
        public Builder margin(double margin) {
            this.margin = margin;
            this.schedule = null;
            return this;
        }

        /** A margin schedule; replaces a constant margin set before. */
        public Builder marginSchedule(MarginSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** Easy margin; default false. */
        public Builder easyMargin(boolean easyMargin) {
            this.easyMargin = easyMargin;
            return this;
        }

        /** Label smoothing in {@code [0, 1)}; default 0. */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** Initialisation of arc_weight; default {@link Init#XAVIER_UNIFORM}. */
        public Builder init(Init init) {
            this.init = init;
            return this;
        }

        /**
         * The loss (without parameters until {@link #initialize(NDManager, DataType)}).
         *
         * @throws dev.retrievals.core.spi.InvalidOptionException for a value out of range
         */
        public ArcFaceAdaptiveMarginLoss build() {
            return new ArcFaceAdaptiveMarginLoss(this);
        }
    }
}
