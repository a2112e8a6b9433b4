package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static dev.retrievals.losses.LossTestKit.crossEntropy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimCSETest {
    /** Two dropout passes of three texts: close, but not equal. */
    static final double[][] FIRST_PASS = {{0.9, 0.1, -0.3, 0.2}, {-0.2, 0.8, 0.4, -0.1}, {0.3, -0.5, 0.7, 0.6}};
    static final double[][] SECOND_PASS = {{0.85, 0.15, -0.25, 0.2}, {-0.15, 0.75, 0.45, -0.1}, {0.35, -0.5, 0.65, 0.55}};
    /** One contradiction per anchor. */
    static final double[][] CONTRADICTIONS = {{-0.9, 0.2, 0.3, -0.2}, {0.2, -0.8, -0.3, 0.1}, {-0.3, 0.5, -0.6, -0.6}};

    /** SimCSE from the paper: row i of cos(h_i, [h+ ; h-]) / τ, target i, mean cross-entropy. */
    static double reference(double[][] anchors, double[][] positives, double[][] negatives, double temperature) {
        int batch = anchors.length;
        int columns = batch + (negatives == null ? 0 : negatives.length);
        double total = 0;
        for (int i = 0; i < batch; i++) {
            double[] logits = new double[columns];
            for (int j = 0; j < batch; j++) {
                logits[j] = cosine(anchors[i], positives[j]) / temperature;
            }
            for (int j = batch; j < columns; j++) {
                logits[j] = cosine(anchors[i], negatives[j - batch]) / temperature;
            }
            total += crossEntropy(logits, i, 0);
        }
        return total / batch;
    }

    static Batch unsupervisedBatch() {
        return Batch.of().embed(LossInputs.QUERY, FIRST_PASS).embed(LossInputs.POSITIVE, SECOND_PASS);
    }

    static Batch supervisedBatch() {
        return unsupervisedBatch().embed(LossInputs.NEGATIVE, CONTRADICTIONS);
    }

    @Test
    void unsupervisedMatchesThePlainComputation() {
        assertThat(LossTestKit.value(SimCSE.unsupervised(), unsupervisedBatch()))
                .isCloseTo(reference(FIRST_PASS, SECOND_PASS, null, 0.05), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(SimCSE.of(SimCSE.Mode.UNSUPERVISED, 0.1), unsupervisedBatch()))
                .isCloseTo(reference(FIRST_PASS, SECOND_PASS, null, 0.1), within(VALUE_TOLERANCE));
    }

    @Test
    void supervisedMatchesThePlainComputation() {
        assertThat(LossTestKit.value(SimCSE.of(SimCSE.Mode.SUPERVISED, 0.05), supervisedBatch()))
                .isCloseTo(reference(FIRST_PASS, SECOND_PASS, CONTRADICTIONS, 0.05), within(VALUE_TOLERANCE));
    }

    @Test
    void gradientsMatchCentralDifferences() {
        LossTestKit.assertGradientsMatch(SimCSE.unsupervised(), unsupervisedBatch());
        LossTestKit.assertGradientsMatch(SimCSE.of(SimCSE.Mode.SUPERVISED, 0.1), supervisedBatch());
    }

    @Test
    void aBatchOfOneAndIdenticalEmbeddings() {
        Batch one = Batch.of().embed(LossInputs.QUERY, new double[][] {FIRST_PASS[0]}).embed(LossInputs.POSITIVE, new double[][] {FIRST_PASS[0]});
        assertThat(LossTestKit.value(SimCSE.unsupervised(), one)).isCloseTo(0.0, within(1e-12));

        Batch oneSupervised = one.embed(LossInputs.NEGATIVE, new double[][] {CONTRADICTIONS[0]});
        assertThat(LossTestKit.value(SimCSE.of(SimCSE.Mode.SUPERVISED, 0.05), oneSupervised))
                .isCloseTo(reference(new double[][] {FIRST_PASS[0]}, new double[][] {FIRST_PASS[0]}, new double[][] {CONTRADICTIONS[0]}, 0.05),
                        within(VALUE_TOLERANCE));

        double[][] same = {FIRST_PASS[1], FIRST_PASS[1], FIRST_PASS[1]};
        Batch identical = Batch.of().embed(LossInputs.QUERY, same).embed(LossInputs.POSITIVE, same);
        assertThat(LossTestKit.value(SimCSE.unsupervised(), identical)).isCloseTo(Math.log(3), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(SimCSE.unsupervised(), identical);
    }

    @Test
    void theModeDecidesWhetherNegativesAreExpected() {
        assertThatThrownBy(() -> LossTestKit.value(SimCSE.unsupervised(), supervisedBatch()))
                .isInstanceOf(LossInputException.class).hasMessageContaining("unsupervised mode").hasMessageContaining("mode=supervised");
        assertThatThrownBy(() -> LossTestKit.value(SimCSE.of(SimCSE.Mode.SUPERVISED, 0.05), unsupervisedBatch()))
                .isInstanceOf(LossInputException.class).hasMessageContaining("needs input 'negative'");
        assertThatThrownBy(() -> SimCSE.of(SimCSE.Mode.SUPERVISED, 0))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'temperature' of loss 'simcse' is 0.0; allowed: a number in (0, +inf)");
    }

    @Test
    void theRegistryCreatesBothModes() {
        Loss supervised = PluginRegistry.global().create(PluginKinds.LOSS, "simcse", Map.of("mode", "supervised", "temperature", "0.1"));

        assertThat(supervised.requiredInputs()).contains(LossInputs.NEGATIVE);
        assertThat(LossTestKit.value(supervised, supervisedBatch()))
                .isCloseTo(reference(FIRST_PASS, SECOND_PASS, CONTRADICTIONS, 0.1), within(VALUE_TOLERANCE));
        assertThat(((SimCSE) PluginRegistry.global().create(PluginKinds.LOSS, "simcse")).mode()).isEqualTo(SimCSE.Mode.UNSUPERVISED);
    }
}
