package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;

/**
 * A loss that owns trainable parameters and state, such as ArcFace's class weights and its margin
 * schedule. The trainer drives it through this interface:
 *
 * <ol>
 *   <li>{@link #initialize(NDManager, DataType)} once, on the training device, before the first
 *       step; then, if {@link #needsDataInitialization()}, {@link #initializeFromData(LossInputs)}
 *       with embeddings of (a sample of) the training data.</li>
 *   <li>Optimise {@link #parameters()} along with the model (with a learning rate of its own if it
 *       likes). The arrays keep their identity for the life of the loss, also across
 *       {@link #restore}, so an optimizer may hold them.</li>
 *   <li>{@link #setMode(LossMode)} before training and before evaluating;
 *       {@link #onStepEnd()} after each optimizer step. Evaluation never changes the state.</li>
 *   <li>{@link #state(NDManager)} into a checkpoint; {@link #restore(LossState)} from one.</li>
 *   <li>{@link #close()} at the end: it frees the parameters.</li>
 * </ol>
 *
 * <p>Schedules count optimizer steps, not forward calls, so gradient accumulation does not speed
 * them up; {@link #forward(LossInputs)} itself never changes the state.
 */
public interface StatefulLoss extends Loss, AutoCloseable {

    /**
     * Creates the parameters (for example with a Xavier-uniform initialisation) in a sub-manager of
     * {@code manager}, which fixes their device. Calling it again is an error.
     *
     * @param dataType the parameters' type, usually the model's ({@code float32}; {@code float64} in tests)
     */
    void initialize(NDManager manager, DataType dataType);

    /** Whether {@link #initialize} has run. */
    boolean isInitialized();

    /**
     * Whether the chosen initialisation needs data (for example class centroids of the current
     * embeddings) that {@link #initializeFromData} has not yet received.
     */
    default boolean needsDataInitialization() {
        return false;
    }

    /**
     * Initialises parameters from embeddings of the training data, for losses whose initialisation
     * needs them. Each loss documents the roles it reads.
     *
     * @throws LossConfigurationException if this loss takes no data initialisation
     */
    default void initializeFromData(LossInputs inputs) {
        throw new LossConfigurationException(getClass().getSimpleName() + " takes no initialisation from data");
    }

    /**
     * The trainable parameters by name (for example {@code arc_weight}), each with
     * {@link NDArray#setRequiresGradient(boolean) gradients required}. Unmodifiable.
     *
     * @throws LossConfigurationException before {@link #initialize}
     */
    Map<String, NDArray> parameters();

    /** Sets training or evaluation; a new loss starts in {@link LossMode#TRAINING}. */
    void setMode(LossMode mode);

    /** The current mode. */
    LossMode mode();

    /**
     * Tells the loss that one optimizer step has ended: schedules advance by one step. Does nothing
     * in {@link LossMode#EVALUATION}.
     */
    void onStepEnd();

    /** Optimizer steps counted so far by {@link #onStepEnd()} (or restored). */
    long step();

    /**
     * A snapshot of parameters and state for a checkpoint. The arrays are copies (no gradients)
     * attached to {@code manager}; the numbers include the step and whatever the schedule needs.
     */
    LossState state(NDManager manager);

    /**
     * Restores a snapshot taken by {@link #state}: parameter values are copied into the existing
     * parameter arrays, and the step and schedule are set.
     *
     * @throws LossConfigurationException if a parameter is missing or of another shape, or a value
     *     is missing
     */
    void restore(LossState state);

    /** Frees the parameters. */
    @Override
    void close();
}
