package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import org.junit.jupiter.api.Test;

/** The losses over a reranker's pair logits, against their definitions in plain double math and central differences. */
class RerankerLossesTest {
    /** Logits of 3 rows of a group of 4 pairs (positive first). */
    static final double[][] GROUP_LOGITS = {{2.5, -1.0, 0.5, 1.75}, {-0.5, 0.25, -2.0, 3.0}, {4.0, 3.5, -3.0, 0.0}};
    /** Teacher scores of the same pairs. */
    static final double[][] TEACHER = {{7.0, 1.0, 2.0, 5.5}, {3.0, 4.0, -1.0, 2.0}, {6.0, 6.5, 0.0, 1.0}};
    static final double[][] PAIR_LOGITS = {{1.2}, {-0.7}, {0.1}, {3.3}, {-2.4}};
    static final double[] SCORES = {1.0, 0.0, 0.4, 0.8, 0.2};

    /** torch.nn.BCEWithLogitsLoss of one pair: −[y log σ(x) + (1−y) log(1−σ(x))]. */
    static double bce(double x, double y) {
        double sigmoid = 1 / (1 + Math.exp(-x));
        return -(y * Math.log(sigmoid) + (1 - y) * Math.log(1 - sigmoid));
    }

    @Test
    void bceOnScoredPairsIsTorchsBceWithLogits() {
        double expected = 0;
        for (int i = 0; i < SCORES.length; i++) {
            expected += bce(PAIR_LOGITS[i][0], SCORES[i]) / SCORES.length;
        }
        Batch batch = Batch.of().embed(LossInputs.LOGITS, PAIR_LOGITS).vector(LossInputs.SCORE, SCORES);
        assertThat(LossTestKit.value(BinaryCrossEntropy.create(), batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(BinaryCrossEntropy.create(), batch);
        Batch labels = Batch.of().embed(LossInputs.LOGITS, PAIR_LOGITS).labels(LossInputs.LABEL, 1, 0, 0, 1, 0);
        double fromLabels = (bce(1.2, 1) + bce(-0.7, 0) + bce(0.1, 0) + bce(3.3, 1) + bce(-2.4, 0)) / 5;
        assertThat(LossTestKit.value(BinaryCrossEntropy.create(), labels)).isCloseTo(fromLabels, within(VALUE_TOLERANCE));
    }

    @Test
    void bceOnGroupsTakesThePositiveAsOneAndTheNegativesAsZero() {
        double expected = 0;
        for (double[] row : GROUP_LOGITS) {
            for (int j = 0; j < row.length; j++) {
                expected += bce(row[j], j == 0 ? 1 : 0) / (GROUP_LOGITS.length * row.length);
            }
        }
        Batch batch = Batch.of().embed(LossInputs.LOGITS, GROUP_LOGITS);
        assertThat(LossTestKit.value(BinaryCrossEntropy.create(), batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(BinaryCrossEntropy.create(), batch);
    }

    @Test
    void bceRefusesScoresOutsideZeroToOneAndSaysHowToRescale() {
        Batch batch = Batch.of().embed(LossInputs.LOGITS, PAIR_LOGITS).vector(LossInputs.SCORE, 1.0, 0.0, 4.0, 0.8, 0.2);
        assertThatThrownBy(() -> LossTestKit.value(BinaryCrossEntropy.create(), batch))
                .isInstanceOf(LossInputException.class)
                .hasMessageContaining("loss 'bce'").hasMessageContaining("[0, 1]").hasMessageContaining("pair 2")
                .hasMessageContaining("4.0").hasMessageContaining("divide STS scores 0-5 by 5").hasMessageContaining("score_scale");
        Batch single = Batch.of().embed(LossInputs.LOGITS, PAIR_LOGITS);
        assertThatThrownBy(() -> LossTestKit.value(BinaryCrossEntropy.create(), single)).hasMessageContaining("needs a score or label");
    }

    @Test
    void listwiseCrossEntropyIsTheSoftmaxLossOfThePositiveOverItsGroup() {
        double expected = 0;
        for (double[] row : GROUP_LOGITS) {
            expected += (LossTestKit.logSumExp(row) - row[0]) / GROUP_LOGITS.length;
        }
        Batch batch = Batch.of().embed(LossInputs.LOGITS, GROUP_LOGITS);
        assertThat(LossTestKit.value(ListwiseCrossEntropy.create(), batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(ListwiseCrossEntropy.create(), batch);
    }

    @Test
    void listwiseCrossEntropyRefusesAGroupWithoutNegatives() {
        Batch batch = Batch.of().embed(LossInputs.LOGITS, PAIR_LOGITS);
        assertThatThrownBy(() -> LossTestKit.value(ListwiseCrossEntropy.create(), batch))
                .isInstanceOf(LossInputException.class).hasMessageContaining("one positive and n >= 1 negatives");
    }

    @Test
    void marginMseOnLogitsRegressesLogitMarginsOntoTeacherMargins() {
        double expected = 0;
        for (int i = 0; i < GROUP_LOGITS.length; i++) {
            for (int j = 1; j < 4; j++) {
                double student = GROUP_LOGITS[i][0] - GROUP_LOGITS[i][j];
                double teacher = TEACHER[i][0] - TEACHER[i][j];
                expected += Math.pow(student - teacher, 2) / (GROUP_LOGITS.length * 3);
            }
        }
        Batch batch = Batch.of().embed(LossInputs.LOGITS, GROUP_LOGITS).constant(LossInputs.TEACHER_SCORE, TEACHER);
        assertThat(LossTestKit.value(MarginMSE.create(), batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(MarginMSE.create(), batch);
    }

    @Test
    void distillKlDivOnLogitsMatchesTheTeachersDistributionOverTheGroup() {
        double temperature = 2.0;
        double expected = 0;
        for (int i = 0; i < GROUP_LOGITS.length; i++) {
            double[] student = LossTestKit.logSoftmax(scaled(GROUP_LOGITS[i], 1 / temperature));
            double[] teacher = LossTestKit.logSoftmax(scaled(TEACHER[i], 1 / temperature));
            for (int j = 0; j < 4; j++) {
                expected += Math.exp(teacher[j]) * (teacher[j] - student[j]);
            }
        }
        expected *= temperature * temperature / GROUP_LOGITS.length;
        Loss loss = DistillKLDiv.of(Similarity.DOT, temperature);
        Batch batch = Batch.of().embed(LossInputs.LOGITS, GROUP_LOGITS).constant(LossInputs.TEACHER_SCORE, TEACHER);
        assertThat(LossTestKit.value(loss, batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, batch);
    }

    private static double[] scaled(double[] values, double factor) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i] * factor;
        }
        return result;
    }

    @Test
    void theRerankerLossesAreFoundByNameAndSayWhetherTheyTrainRerankers() {
        assertThat(PluginRegistry.global().create(PluginKinds.LOSS, "bce")).isInstanceOf(BinaryCrossEntropy.class);
        assertThat(PluginRegistry.global().create(PluginKinds.LOSS, "listwise_ce")).isInstanceOf(ListwiseCrossEntropy.class);
        for (String name : new String[] {"bce", "listwise_ce", "margin_mse", "distill_kl_div"}) {
            assertThat(PluginRegistry.global().create(PluginKinds.LOSS, name).acceptsPairLogits()).as(name).isTrue();
        }
        assertThat(PluginRegistry.global().create(PluginKinds.LOSS, "infonce").acceptsPairLogits()).isFalse();
    }
}
