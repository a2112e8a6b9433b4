package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static dev.retrievals.losses.LossTestKit.dot;
import static dev.retrievals.losses.LossTestKit.logSoftmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistillKLDivTest {
    static final double[][] QUERIES = InfoNCETest.QUERIES;
    static final double[][] POSITIVES = InfoNCETest.POSITIVES;
    static final double[][] NEGATIVES = InfoNCETest.NEGATIVES;
    static final double[][] TEACHER = MarginMSETest.TEACHER;

    /** KL(teacher ‖ student) per query over (positive, own negatives), averaged over queries, times T². */
    static double reference(double[][] q, double[][] p, double[][] n, double[][] teacher, Similarity similarity, double temperature) {
        int perQuery = n.length / q.length;
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            double[] student = new double[perQuery + 1];
            double[] scaledTeacher = new double[perQuery + 1];
            student[0] = MarginMSETest.similarity(similarity, q[i], p[i]) / temperature;
            for (int j = 0; j < perQuery; j++) {
                student[j + 1] = MarginMSETest.similarity(similarity, q[i], n[i * perQuery + j]) / temperature;
            }
            for (int k = 0; k <= perQuery; k++) {
                scaledTeacher[k] = teacher[i][k] / temperature;
            }
            double[] logStudent = logSoftmax(student);
            double[] logTeacher = logSoftmax(scaledTeacher);
            for (int k = 0; k <= perQuery; k++) {
                total += Math.exp(logTeacher[k]) * (logTeacher[k] - logStudent[k]);
            }
        }
        return total / q.length * temperature * temperature;
    }

    static Batch batch() {
        return Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES).embed(LossInputs.NEGATIVE, NEGATIVES)
                .constant(LossInputs.TEACHER_SCORE, TEACHER);
    }

    @Test
    void theValueMatchesThePlainComputation() {
        assertThat(LossTestKit.value(DistillKLDiv.create(), batch()))
                .isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, TEACHER, Similarity.DOT, 1), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(DistillKLDiv.of(Similarity.COSINE, 2.0), batch()))
                .isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, TEACHER, Similarity.COSINE, 2), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(DistillKLDiv.of(Similarity.DOT, 0.5), batch()))
                .isCloseTo(reference(QUERIES, POSITIVES, NEGATIVES, TEACHER, Similarity.DOT, 0.5), within(VALUE_TOLERANCE));
    }

    @Test
    void theGradientMatchesCentralDifferences() {
        LossTestKit.assertGradientsMatch(DistillKLDiv.create(), batch());
        LossTestKit.assertGradientsMatch(DistillKLDiv.of(Similarity.COSINE, 0.5), batch());
    }

    @Test
    void aStudentThatRanksLikeTheTeacherCostsNothing() {
        double[][] q = {{1, 0}};
        double[][] p = {{2, 0}};
        double[][] n = {{1, 0}, {0, 1}};
        // dot scores: 2, 1, 0 — give the teacher exactly those
        Batch batch = Batch.of().embed(LossInputs.QUERY, q).embed(LossInputs.POSITIVE, p).embed(LossInputs.NEGATIVE, n)
                .constant(LossInputs.TEACHER_SCORE, new double[][] {{2, 1, 0}});
        assertThat(LossTestKit.value(DistillKLDiv.create(), batch)).isCloseTo(0.0, within(1e-12));
        LossTestKit.assertGradientsMatch(DistillKLDiv.create(), batch);
    }

    @Test
    void identicalEmbeddingsGiveAUniformStudent() {
        double[] same = {0.3, -0.2, 0.5, 0.1};
        Batch identical = Batch.of().embed(LossInputs.QUERY, new double[][] {same}).embed(LossInputs.POSITIVE, new double[][] {same})
                .embed(LossInputs.NEGATIVE, new double[][] {same, same}).constant(LossInputs.TEACHER_SCORE, new double[][] {{2, 1, 0}});
        double[] teacher = logSoftmax(new double[] {2, 1, 0});
        double expected = 0;
        for (double logP : teacher) {
            expected += Math.exp(logP) * (logP - Math.log(1.0 / 3));
        }
        assertThat(LossTestKit.value(DistillKLDiv.of(Similarity.COSINE, 1), identical)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(DistillKLDiv.of(Similarity.COSINE, 1), identical);
        assertThat(dot(same, same)).isPositive();
        assertThat(cosine(same, same)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void wrongShapesAndTemperaturesAreRejected() {
        Batch margins = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES).embed(LossInputs.NEGATIVE, NEGATIVES)
                .constant(LossInputs.TEACHER_SCORE, MarginMSETest.margins(TEACHER));
        assertThatThrownBy(() -> LossTestKit.value(DistillKLDiv.create(), margins))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'distill_kl_div' expects teacher_score of shape (3, 3) (teacher scores of the positive then the 2 negatives"
                        + " of each query), got (3, 2)");
        assertThatThrownBy(() -> DistillKLDiv.of(Similarity.DOT, -1)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'temperature' of loss 'distill_kl_div' is -1.0; allowed: a number in (0, +inf)");
    }

    @Test
    void theRegistryFindsItByNameAndAlias() {
        DistillKLDiv loss = (DistillKLDiv) PluginRegistry.global().create(PluginKinds.LOSS, "distill_kl", Map.of("temperature", "2"));
        assertThat(loss.temperature()).isEqualTo(2.0);
        assertThat(loss.similarity()).isEqualTo(Similarity.DOT);
    }
}
