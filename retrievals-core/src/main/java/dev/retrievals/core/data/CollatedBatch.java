package dev.retrievals.core.data;

import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.loss.LossInputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a collator makes of a list of rows: token batches by role ({@link LossInputs#QUERY},
 * {@link LossInputs#POSITIVE}, {@link LossInputs#NEGATIVE} as {@code [rows × negatives]} texts,
 * {@link LossInputs#TEXT}), class ids by role ({@link LossInputs#LABEL}) and numbers by role
 * ({@link LossInputs#SCORE}, {@link LossInputs#TEACHER_SCORE}). The trainer encodes each token
 * batch and hands the embeddings, with the labels and scores, to the loss under the same roles.
 *
 * <p>A score role holds one number per row, or the same number {@code m > 1} of numbers per row,
 * row-major (row {@code i}'s at {@code i*m … i*m+m-1}), which the loss reads as {@code [rows, m]}:
 * for example a teacher's scores of each query's positive and negatives.
 *
 * @param size the number of rows collated
 * @param texts token batches by role
 * @param labels class ids by role, one per row
 * @param scores numbers by role, one or {@code m} per row (row-major)
 */
public record CollatedBatch(int size, Map<String, TokenBatch> texts, Map<String, long[]> labels, Map<String, float[]> scores) {

    /** The order of the text roles: these first, then any other role by name. */
    private static final List<String> ROLE_ORDER = List.of(LossInputs.QUERY, LossInputs.POSITIVE, LossInputs.NEGATIVE, LossInputs.TEXT);

    /**
     * Copies the maps (unmodifiable) and checks that labels and scores have a value per row. Text
     * roles are kept in a fixed order (query, positive, negative, text, then others by name), labels
     * and scores in insertion order: the texts are encoded in this order, dropout draws its random
     * numbers in the order of the forward passes, and a run reproduces only if that order does not
     * depend on how a collator happened to fill its map (an immutable map's order changes from JVM to JVM).
     */
    public CollatedBatch {
        texts = inRoleOrder(texts);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        for (Map.Entry<String, long[]> entry : labels.entrySet()) {
            checkLength(entry.getKey(), entry.getValue().length, size);
        }
        for (Map.Entry<String, float[]> entry : scores.entrySet()) {
            int length = entry.getValue().length;
            if (size == 0 || length == 0 || length % size != 0) {
                throw new IllegalArgumentException("Batch part '" + entry.getKey() + "' has " + length + " values for " + size
                        + " rows; expected the same positive number per row");
            }
        }
    }

    /** How many numbers each row has in score role {@code role} (1 for a plain score). */
    public int scoresPerRow(String role) {
        float[] values = scores.get(role);
        if (values == null) {
            throw new IllegalArgumentException("The batch has no scores for role '" + role + "'; it has " + scores.keySet());
        }
        return values.length / size;
    }

    private static Map<String, TokenBatch> inRoleOrder(Map<String, TokenBatch> texts) {
        List<String> roles = new ArrayList<>(texts.keySet());
        roles.sort(Comparator.comparingInt((String role) -> ROLE_ORDER.contains(role) ? ROLE_ORDER.indexOf(role) : ROLE_ORDER.size())
                .thenComparing(Comparator.naturalOrder()));
        Map<String, TokenBatch> ordered = new LinkedHashMap<>();
        for (String role : roles) {
            ordered.put(role, texts.get(role));
        }
        return Collections.unmodifiableMap(ordered);
    }

    private static void checkLength(String role, int length, int size) {
        if (length != size) {
            throw new IllegalArgumentException("Batch part '" + role + "' has " + length + " values for " + size + " rows");
        }
    }

    /** The token batch of a role; fails naming the role and the roles present. */
    public TokenBatch tokens(String role) {
        TokenBatch batch = texts.get(role);
        if (batch == null) {
            throw new IllegalArgumentException("The batch has no texts for role '" + role + "'; it has " + texts.keySet());
        }
        return batch;
    }
}
