package dev.retrievals.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The arrays a loss reads, by role: embeddings of queries, positives, negatives; labels; scores.
 * Immutable; {@link #with} returns a copy with one role replaced.
 *
 * <p>Shapes, with {@code batch} queries (or texts) of {@code dim} features:
 *
 * <table>
 *   <caption>Roles</caption>
 *   <tr><th>role</th><th>shape</th><th>meaning</th></tr>
 *   <tr><td>{@link #QUERY}</td><td>{@code [batch, dim]}</td><td>queries, anchors, or first sentences of pairs</td></tr>
 *   <tr><td>{@link #POSITIVE}</td><td>{@code [batch, dim]}</td><td>row {@code i} is the positive (or second sentence) of query {@code i}</td></tr>
 *   <tr><td>{@link #NEGATIVE}</td><td>{@code [batch * n, dim]}</td><td>hard negatives, query-major: rows {@code i*n … i*n+n-1}
 *       belong to query {@code i} (see {@link #negativesPerQuery()}); a loss that shares negatives across the batch
 *       reads them as one pool</td></tr>
 *   <tr><td>{@link #TEXT}</td><td>{@code [batch, dim]}</td><td>single texts, for point-wise losses</td></tr>
 *   <tr><td>{@link #LABEL}</td><td>{@code [batch]}</td><td>integer class ids of the texts (int32 or int64)</td></tr>
 *   <tr><td>{@link #SCORE}</td><td>{@code [batch]}</td><td>gold similarity of each (query, positive) pair</td></tr>
 *   <tr><td>{@link #TEACHER_SCORE}</td><td>{@code [batch]} or {@code [batch, 1 + n]}</td><td>a teacher's scores
 *       (or score margins) for distillation; each distillation loss says which</td></tr>
 *   <tr><td>{@link #LOGITS}</td><td>{@code [batch, m]}</td><td>a cross-encoder's logits: row {@code i} holds those of
 *       the {@code m} (query, document) pairs of row {@code i}; in a group, column 0 is the positive</td></tr>
 * </table>
 */
public final class LossInputs {
    /** Query (or anchor, or first-sentence) embeddings, {@code [batch, dim]}. */
    public static final String QUERY = "query";
    /** Positive document embeddings, {@code [batch, dim]}: row {@code i} belongs to query {@code i}. */
    public static final String POSITIVE = "positive";
    /** Hard-negative embeddings, {@code [batch * negatives, dim]}, query-major (see {@link #negativesPerQuery()}). */
    public static final String NEGATIVE = "negative";
    /** Embeddings of single texts for point-wise losses, {@code [batch, dim]}. */
    public static final String TEXT = "text";
    /** Class ids for point-wise losses, {@code [batch]} (int32 or int64). */
    public static final String LABEL = "label";
    /** Gold similarity scores for pairs, {@code [batch]}. */
    public static final String SCORE = "score";
    /** Teacher scores for distillation, {@code [batch]} or {@code [batch, 1 + negatives]}. */
    public static final String TEACHER_SCORE = "teacher_score";

    /** Cross-encoder logits, {@code [batch, m]}: the {@code m} (query, document) pairs of each row, a group's positive first. */
    public static final String LOGITS = "logits";

    /**
     * The text role of a cross-encoder batch: (query, document) pairs tokenized together, row-major
     * ({@code m} pairs per row, a group's positive first); the trainer turns them into {@link #LOGITS}.
     */
    public static final String PAIR = "pair";

    /** The roles that hold embeddings {@code [rows, dim]} (and not labels or scores). */
    public static final Set<String> EMBEDDING_ROLES = Set.of(QUERY, POSITIVE, NEGATIVE, TEXT);

    private final Map<String, NDArray> arrays;

    private LossInputs(Map<String, NDArray> arrays) {
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            Objects.requireNonNull(entry.getKey(), "role");
            Objects.requireNonNull(entry.getValue(), () -> "array of role '" + entry.getKey() + "'");
        }
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Inputs from a role-to-array map. */
    public static LossInputs of(Map<String, NDArray> arrays) {
        return new LossInputs(arrays);
    }

    /** A copy with {@code role} set to {@code array} (added or replaced); this instance is unchanged. */
    public LossInputs with(String role, NDArray array) {
        Map<String, NDArray> copy = new LinkedHashMap<>(arrays);
        copy.put(role, array);
        return new LossInputs(copy);
    }

    /** The array of a role that the loss needs; fails naming the role and the roles present. */
    public NDArray require(String role) {
        NDArray array = arrays.get(role);
        if (array == null) {
            throw new LossInputException("The loss needs input '" + role + "' but the batch has only " + arrays.keySet());
        }
        return array;
    }

    /** The array of an optional role, or {@code null}. */
    public NDArray optional(String role) {
        return arrays.get(role);
    }

    /** Whether the role is present. */
    public boolean has(String role) {
        return arrays.containsKey(role);
    }

    /** The roles present. */
    public Set<String> roles() {
        return arrays.keySet();
    }

    /** The arrays by role, unmodifiable. */
    public Map<String, NDArray> asMap() {
        return arrays;
    }

    /**
     * How many hard negatives each query has: the rows of {@link #NEGATIVE} divided by the rows of
     * {@link #QUERY}. Negatives are laid out query-major, so rows {@code i*n … i*n+n-1} belong to
     * query {@code i}. Zero when there are no negatives.
     *
     * @throws LossInputException when the negatives' rows are not a whole multiple of the queries'
     */
    public int negativesPerQuery() {
        NDArray negative = arrays.get(NEGATIVE);
        if (negative == null) {
            return 0;
        }
        long queries = rows(require(QUERY), QUERY);
        long negatives = rows(negative, NEGATIVE);
        if (queries == 0 || negatives % queries != 0 || negatives == 0) {
            throw new LossInputException("Expected " + NEGATIVE + " of shape [batch * n, dim] with n >= 1 negatives per query, "
                    + "query-major, for " + queries + " queries; got " + negative.getShape()
                    + " (" + negatives + " rows is not a positive multiple of " + queries + ")");
        }
        return Math.toIntExact(negatives / queries);
    }

    private static long rows(NDArray array, String role) {
        Shape shape = array.getShape();
        if (shape.dimension() != 2) {
            throw new LossInputException("Expected " + role + " of shape [rows, dim], got " + shape);
        }
        return shape.get(0);
    }
}
