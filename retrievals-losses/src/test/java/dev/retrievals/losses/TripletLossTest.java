package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.cosine;
import static dev.retrievals.losses.LossTestKit.euclidean;
import static dev.retrievals.losses.LossTestKit.softplus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import dev.retrievals.losses.TripletLoss.Distance;
import dev.retrievals.losses.TripletLoss.Form;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TripletLossTest {
    static final double[][] ANCHORS = InfoNCETest.QUERIES;
    static final double[][] POSITIVES = InfoNCETest.POSITIVES;
    static final double[][] NEGATIVES = InfoNCETest.NEGATIVES;

    static double distance(Distance distance, double[] x, double[] y) {
        return distance == Distance.COSINE ? 1 - cosine(x, y) : euclidean(x, y);
    }

    /** The triplet loss from its definition: mean over (anchor, negative) terms of the hinge or the softplus. */
    static double reference(double[][] a, double[][] p, double[][] n, Form form, Distance distance, double margin, double temperature,
            boolean shared) {
        int perQuery = n.length / a.length;
        double total = 0;
        int terms = 0;
        for (int i = 0; i < a.length; i++) {
            int from = shared ? 0 : i * perQuery;
            int to = shared ? n.length : (i + 1) * perQuery;
            for (int j = from; j < to; j++) {
                double gap = distance(distance, a[i], p[i]) - distance(distance, a[i], n[j]);
                total += form == Form.HINGE ? Math.max(0, gap + margin) : softplus(gap / temperature);
                terms++;
            }
        }
        return total / terms;
    }

    static Batch batch() {
        return Batch.of().embed(LossInputs.QUERY, ANCHORS).embed(LossInputs.POSITIVE, POSITIVES).embed(LossInputs.NEGATIVE, NEGATIVES);
    }

    static Stream<Arguments> configurations() {
        // form, distance, margin, temperature, shared
        return Stream.of(
                Arguments.of(Form.HINGE, Distance.COSINE, 0.5, 0.05, false),
                Arguments.of(Form.HINGE, Distance.COSINE, 0.3, 0.05, true),
                Arguments.of(Form.HINGE, Distance.EUCLIDEAN, 0.5, 0.05, false),
                Arguments.of(Form.HINGE, Distance.EUCLIDEAN, 1.0, 0.05, true),
                Arguments.of(Form.SOFT, Distance.COSINE, 0.5, 0.05, true),
                Arguments.of(Form.SOFT, Distance.COSINE, 0.5, 0.2, false),
                Arguments.of(Form.SOFT, Distance.EUCLIDEAN, 0.5, 0.5, false));
    }

    static TripletLoss loss(Form form, Distance distance, double margin, double temperature, boolean shared) {
        return TripletLoss.builder().form(form).distance(distance).margin(margin).temperature(temperature)
                .hardNegatives(shared ? HardNegatives.SHARED : HardNegatives.OWN).build();
    }

    @ParameterizedTest(name = "{0} {1} margin={2} τ={3} shared={4}")
    @MethodSource("configurations")
    void theValueMatchesThePlainComputation(Form form, Distance distance, double margin, double temperature, boolean shared) {
        double expected = reference(ANCHORS, POSITIVES, NEGATIVES, form, distance, margin, temperature, shared);

        assertThat(LossTestKit.value(loss(form, distance, margin, temperature, shared), batch())).isCloseTo(expected, within(VALUE_TOLERANCE));
    }

    @ParameterizedTest(name = "{0} {1} margin={2} τ={3} shared={4}")
    @MethodSource("configurations")
    void theGradientMatchesCentralDifferences(Form form, Distance distance, double margin, double temperature, boolean shared) {
        assertHingesAwayFromTheKink(form, distance, margin, shared);
        LossTestKit.assertGradientsMatch(loss(form, distance, margin, temperature, shared), batch());
    }

    /** The hinge has no derivative at 0: the fixed data must keep every term clear of it. */
    private static void assertHingesAwayFromTheKink(Form form, Distance distance, double margin, boolean shared) {
        if (form != Form.HINGE) {
            return;
        }
        int perQuery = NEGATIVES.length / ANCHORS.length;
        for (int i = 0; i < ANCHORS.length; i++) {
            for (int j = shared ? 0 : i * perQuery; j < (shared ? NEGATIVES.length : (i + 1) * perQuery); j++) {
                double argument = distance(distance, ANCHORS[i], POSITIVES[i]) - distance(distance, ANCHORS[i], NEGATIVES[j]) + margin;
                assertThat(Math.abs(argument)).as("hinge argument of (%d, %d)", i, j).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void theSoftFormWithCosineIsOpenRetrievalsLogSigmoidOfTheSimilarityGap() {
        TripletLoss soft = TripletLoss.builder().form(Form.SOFT).hardNegatives(HardNegatives.SHARED).build();
        double expected = 0;
        for (int i = 0; i < ANCHORS.length; i++) {
            for (double[] negative : NEGATIVES) {
                double gap = (cosine(ANCHORS[i], POSITIVES[i]) - cosine(ANCHORS[i], negative)) / 0.05;
                expected += -Math.log(1 / (1 + Math.exp(-gap)));
            }
        }
        expected /= ANCHORS.length * NEGATIVES.length;

        assertThat(LossTestKit.value(soft, batch())).isCloseTo(expected, within(VALUE_TOLERANCE));
    }

    @Test
    void aBatchOfOneAndIdenticalEmbeddings() {
        Batch one = Batch.of().embed(LossInputs.QUERY, new double[][] {ANCHORS[0]}).embed(LossInputs.POSITIVE, new double[][] {POSITIVES[0]})
                .embed(LossInputs.NEGATIVE, LossTestKit.rows(NEGATIVES, 0, 2));
        TripletLoss hinge = TripletLoss.builder().build();
        assertThat(LossTestKit.value(hinge, one)).isCloseTo(reference(new double[][] {ANCHORS[0]}, new double[][] {POSITIVES[0]},
                LossTestKit.rows(NEGATIVES, 0, 2), Form.HINGE, Distance.COSINE, 0.5, 0.05, false), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(hinge, one);

        double[] same = {0.3, -0.2, 0.5, 0.1};
        Batch identical = Batch.of().embed(LossInputs.QUERY, new double[][] {same, same}).embed(LossInputs.POSITIVE, new double[][] {same, same})
                .embed(LossInputs.NEGATIVE, new double[][] {same, same});
        for (Distance distance : Distance.values()) {
            TripletLoss each = TripletLoss.builder().distance(distance).margin(0.4).build();
            assertThat(LossTestKit.value(each, identical)).as("%s hinge", distance).isCloseTo(0.4, within(VALUE_TOLERANCE));
            assertThat(LossTestKit.value(TripletLoss.builder().form(Form.SOFT).distance(distance).build(), identical))
                    .as("%s soft", distance).isCloseTo(Math.log(2), within(VALUE_TOLERANCE));
            for (double[][] gradient : LossTestKit.autogradGradients(each, identical).values()) {
                for (double value : LossTestKit.flatten(gradient)) {
                    assertThat(value).as("%s gradient at identical embeddings", distance).isFinite();
                }
            }
        }
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThatThrownBy(() -> TripletLoss.builder().margin(-0.1).build())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'margin' of loss 'triplet' is -0.1; allowed: a number in [0, +inf)");
        assertThatThrownBy(() -> TripletLoss.builder().distance(Distance.COSINE).margin(2.5).build())
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("margin must be in [0, 2]");
        assertThat(TripletLoss.builder().distance(Distance.EUCLIDEAN).margin(5).build().margin()).isEqualTo(5.0);
        assertThatThrownBy(() -> TripletLoss.builder().form(Form.SOFT).temperature(0).build())
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "triplet", Map.of("form", "squared")))
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("one of hinge, soft");
    }

    @Test
    void missingOrUnevenNegativesAreRejected() {
        Batch noNegatives = Batch.of().embed(LossInputs.QUERY, ANCHORS).embed(LossInputs.POSITIVE, POSITIVES);
        assertThatThrownBy(() -> LossTestKit.value(TripletLoss.builder().build(), noNegatives))
                .isInstanceOf(LossInputException.class).hasMessageContaining("needs input 'negative'");
        Batch uneven = noNegatives.embed(LossInputs.NEGATIVE, LossTestKit.rows(NEGATIVES, 0, 5));
        assertThatThrownBy(() -> LossTestKit.value(TripletLoss.builder().build(), uneven))
                .isInstanceOf(LossInputException.class).hasMessageContaining("5 rows is not a positive multiple of 3");
        Batch otherDim = noNegatives.embed(LossInputs.NEGATIVE, new double[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}});
        assertThatThrownBy(() -> LossTestKit.value(TripletLoss.builder().build(), otherDim))
                .isInstanceOf(LossInputException.class).hasMessage("loss 'triplet' expects negative with the dim of query (4), got (3, 3)");
    }

    @Test
    void theRegistryCreatesBothForms() {
        Loss soft = PluginRegistry.global().create(PluginKinds.LOSS, "triplet",
                Map.of("form", "soft", "hard_negatives", "shared", "temperature", "0.1"));
        assertThat(LossTestKit.value(soft, batch()))
                .isCloseTo(reference(ANCHORS, POSITIVES, NEGATIVES, Form.SOFT, Distance.COSINE, 0, 0.1, true), within(VALUE_TOLERANCE));
        Loss hinge = PluginRegistry.global().create(PluginKinds.LOSS, "triplet", Map.of("distance", "euclidean", "margin", "0.5"));
        assertThat(LossTestKit.value(hinge, batch()))
                .isCloseTo(reference(ANCHORS, POSITIVES, NEGATIVES, Form.HINGE, Distance.EUCLIDEAN, 0.5, 0, false), within(VALUE_TOLERANCE));
    }
}
