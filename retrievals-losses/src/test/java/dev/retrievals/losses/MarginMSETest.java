package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static dev.retrievals.losses.LossTestKit.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarginMSETest {
    static final double[][] QUERIES = InfoNCETest.QUERIES;
    static final double[][] POSITIVES = InfoNCETest.POSITIVES;
    static final double[][] NEGATIVES = InfoNCETest.NEGATIVES;
    /** Teacher scores [positive, negative 1, negative 2] per query. */
    static final double[][] TEACHER = {{8.5, 2.0, 4.5}, {7.0, 6.5, 1.0}, {9.0, 3.0, 3.5}};

    static double similarity(Similarity similarity, double[] a, double[] b) {
        return similarity == Similarity.DOT ? dot(a, b) : cosine(a, b);
    }

    /** Margin-MSE from its definition: mean over (query, negative) of (student margin − teacher margin)². */
    static double reference(double[][] q, double[][] p, double[][] n, double[][] teacherMargins, Similarity similarity) {
        int perQuery = n.length / q.length;
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            for (int j = 0; j < perQuery; j++) {
                double student = similarity(similarity, q[i], p[i]) - similarity(similarity, q[i], n[i * perQuery + j]);
                total += Math.pow(student - teacherMargins[i][j], 2);
            }
        }
        return total / (q.length * perQuery);
    }

    static double[][] margins(double[][] teacherScores) {
        double[][] margins = new double[teacherScores.length][teacherScores[0].length - 1];
        for (int i = 0; i < teacherScores.length; i++) {
            for (int j = 1; j < teacherScores[0].length; j++) {
                margins[i][j - 1] = teacherScores[i][0] - teacherScores[i][j];
            }
        }
        return margins;
    }

    static Batch batch(double[][] teacher) {
        return Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES).embed(LossInputs.NEGATIVE, NEGATIVES)
                .constant(LossInputs.TEACHER_SCORE, teacher);
    }

    @Test
    void rawTeacherScoresAndReadyMarginsGiveThePlainValue() {
        double expected = reference(QUERIES, POSITIVES, NEGATIVES, margins(TEACHER), Similarity.DOT);

        assertThat(LossTestKit.value(MarginMSE.create(), batch(TEACHER))).isCloseTo(expected, within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(MarginMSE.create(), batch(margins(TEACHER)))).isCloseTo(expected, within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(MarginMSE.withSimilarity(Similarity.COSINE), batch(TEACHER)))
                .isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, margins(TEACHER), Similarity.COSINE), within(VALUE_TOLERANCE));
    }

    @Test
    void oneNegativeWithOneMarginPerQueryAsSentenceTransformers() {
        double[][] oneNegative = {NEGATIVES[0], NEGATIVES[2], NEGATIVES[4]};
        double[] margins = {1.5, -0.5, 3.0};
        Batch batch = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES)
                .embed(LossInputs.NEGATIVE, oneNegative).vector(LossInputs.TEACHER_SCORE, margins);

        assertThat(LossTestKit.value(MarginMSE.create(), batch))
                .isCloseTo(reference(QUERIES, POSITIVES, oneNegative, new double[][] {{1.5}, {-0.5}, {3.0}}, Similarity.DOT),
                        within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(MarginMSE.create(), batch);
    }

    @Test
    void theGradientMatchesCentralDifferences() {
        LossTestKit.assertGradientsMatch(MarginMSE.create(), batch(TEACHER));
        LossTestKit.assertGradientsMatch(MarginMSE.withSimilarity(Similarity.COSINE), batch(TEACHER));
    }

    @Test
    void aBatchOfOneAndIdenticalEmbeddings() {
        Batch one = Batch.of().embed(LossInputs.QUERY, new double[][] {QUERIES[0]}).embed(LossInputs.POSITIVE, new double[][] {POSITIVES[0]})
                .embed(LossInputs.NEGATIVE, LossTestKit.rows(NEGATIVES, 0, 2)).constant(LossInputs.TEACHER_SCORE, new double[][] {TEACHER[0]});
        assertThat(LossTestKit.value(MarginMSE.create(), one)).isCloseTo(reference(new double[][] {QUERIES[0]},
                new double[][] {POSITIVES[0]}, LossTestKit.rows(NEGATIVES, 0, 2), margins(new double[][] {TEACHER[0]}), Similarity.DOT),
                within(VALUE_TOLERANCE));

        double[] same = {0.3, -0.2, 0.5, 0.1};
        Batch identical = Batch.of().embed(LossInputs.QUERY, new double[][] {same}).embed(LossInputs.POSITIVE, new double[][] {same})
                .embed(LossInputs.NEGATIVE, new double[][] {same, same}).constant(LossInputs.TEACHER_SCORE, new double[][] {{1, 0.5, -1}});
        // student margins are 0, teacher margins 0.5 and 2
        assertThat(LossTestKit.value(MarginMSE.withSimilarity(Similarity.COSINE), identical))
                .isCloseTo((0.25 + 4) / 2, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(MarginMSE.withSimilarity(Similarity.COSINE), identical);
    }

    @Test
    void teacherScoresOfAnotherShapeAreRejected() {
        Batch wrong = batch(new double[][] {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}});
        assertThatThrownBy(() -> LossTestKit.value(MarginMSE.create(), wrong))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'margin_mse' expects teacher_score of shape [3, 2] (teacher margins positive minus each of the 2 negatives)"
                        + " or [3, 3] (teacher scores of the positive then the negatives), got (3, 4)");
        Batch noNegatives = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES)
                .constant(LossInputs.TEACHER_SCORE, TEACHER);
        assertThatThrownBy(() -> LossTestKit.value(MarginMSE.create(), noNegatives))
                .isInstanceOf(LossInputException.class).hasMessageContaining("needs input 'negative'");
    }

    @Test
    void theRegistryCreatesIt() {
        MarginMSE loss = (MarginMSE) PluginRegistry.global().create(PluginKinds.LOSS, "margin_mse", Map.of("similarity", "cosine"));
        assertThat(loss.similarity()).isEqualTo(Similarity.COSINE);
    }
}
