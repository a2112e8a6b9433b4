package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import dev.retrievals.core.RetrievalsException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The arrays a loss reads, by role: embeddings of queries, positives, negatives; labels; scores. */
public final class LossInputs {
    /** Query (or anchor, or first-sentence) embeddings, {@code [batch, dim]}. */
    public static final String QUERY = "query";
    /** Positive document embeddings, {@code [batch, dim]}. */
    public static final String POSITIVE = "positive";
    /** Hard-negative embeddings, {@code [batch * negatives, dim]}. */
    public static final String NEGATIVE = "negative";
    /** Embeddings of single texts for point-wise losses, {@code [batch, dim]}. */
    public static final String TEXT = "text";
    /** Class ids for point-wise losses, {@code [batch]} (int64). */
    public static final String LABEL = "label";
    /** Gold similarity scores for pairs, {@code [batch]}. */
    public static final String SCORE = "score";
    /** Teacher scores for distillation. */
    public static final String TEACHER_SCORE = "teacher_score";

    private final Map<String, NDArray> arrays;

    private LossInputs(Map<String, NDArray> arrays) {
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Inputs from a role-to-array map. */
    public static LossInputs of(Map<String, NDArray> arrays) {
        return new LossInputs(arrays);
    }

    /** The array of a role that the loss needs; fails naming the role and the roles present. */
    public NDArray require(String role) {
        NDArray array = arrays.get(role);
        if (array == null) {
            throw new RetrievalsException("The loss needs input '" + role + "' but the batch has only " + arrays.keySet());
        }
        return array;
    }

    /** The array of an optional role, or {@code null}. */
    public NDArray optional(String role) {
        return arrays.get(role);
    }

    /** The roles present. */
    public Set<String> roles() {
        return arrays.keySet();
    }
}
