package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatryoshkaTest {
    static final double[][] QUERIES = InfoNCETest.QUERIES;
    static final double[][] POSITIVES = InfoNCETest.POSITIVES;
    static final double[][] NEGATIVES = InfoNCETest.NEGATIVES;

    /** The first {@code dim} columns of each row, scaled to unit length (sentence-transformers' shrink). */
    static double[][] shrink(double[][] rows, int dim) {
        double[][] result = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            result[i] = LossTestKit.unit(Arrays.copyOf(rows[i], dim));
        }
        return result;
    }

    static Batch batch() {
        return Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES).embed(LossInputs.NEGATIVE, NEGATIVES);
    }

    @Test
    void theWeightedSumOfTheInnerLossAtEachTruncationMatchesThePlainComputation() {
        Matryoshka loss = Matryoshka.of(InfoNCE.builder().labelSmoothing(0.05).build(), new int[] {2, 4, 3}, new double[] {0.5, 1.0, 0.25});
        double expected = 0;
        int[] dims = {4, 3, 2};
        double[] weights = {1.0, 0.25, 0.5};
        for (int j = 0; j < dims.length; j++) {
            expected += weights[j] * InfoNCETest.reference(shrink(QUERIES, dims[j]), shrink(POSITIVES, dims[j]), shrink(NEGATIVES, dims[j]),
                    0.05, 0.05, true, true, false);
        }

        assertThat(LossTestKit.value(loss, batch())).isCloseTo(expected, within(VALUE_TOLERANCE));
        assertThat(loss.dims()).containsExactly(4, 3, 2);
        assertThat(loss.weights()).containsExactly(1.0, 0.25, 0.5);
    }

    @Test
    void labelsAndScoresPassThroughUnchanged() {
        double[] scores = {0.9, 0.1, 0.5};
        Batch batch = Batch.of().embed(LossInputs.QUERY, QUERIES).embed(LossInputs.POSITIVE, POSITIVES).vector(LossInputs.SCORE, scores);
        Matryoshka loss = Matryoshka.of(CoSENT.create(), 4, 2);
        double expected = CoSENTTest.reference(shrink(QUERIES, 4), shrink(POSITIVES, 4), scores, 20)
                + CoSENTTest.reference(shrink(QUERIES, 2), shrink(POSITIVES, 2), scores, 20);

        assertThat(LossTestKit.value(loss, batch)).isCloseTo(expected, within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, batch);
    }

    @Test
    void theGradientMatchesCentralDifferences() {
        LossTestKit.assertGradientsMatch(Matryoshka.of(InfoNCE.builder().build(), new int[] {4, 2}, new double[] {1, 0.5}), batch());
        LossTestKit.assertGradientsMatch(Matryoshka.of(TripletLoss.builder().form(TripletLoss.Form.SOFT).build(), 3, 1), batch());
    }

    @Test
    void aBatchOfOneAndIdenticalEmbeddings() {
        Batch one = Batch.of().embed(LossInputs.QUERY, new double[][] {QUERIES[0]}).embed(LossInputs.POSITIVE, new double[][] {POSITIVES[0]})
                .embed(LossInputs.NEGATIVE, LossTestKit.rows(NEGATIVES, 0, 2));
        Matryoshka loss = Matryoshka.of(InfoNCE.builder().build(), 4, 2);
        double expected = 0;
        for (int dim : new int[] {4, 2}) {
            expected += InfoNCETest.reference(shrink(new double[][] {QUERIES[0]}, dim), shrink(new double[][] {POSITIVES[0]}, dim),
                    shrink(LossTestKit.rows(NEGATIVES, 0, 2), dim), 0.05, 0, true, true, false);
        }
        assertThat(LossTestKit.value(loss, one)).isCloseTo(expected, within(VALUE_TOLERANCE));

        double[] same = {0.3, -0.2, 0.5, 0.1};
        Batch identical = Batch.of().embed(LossInputs.QUERY, new double[][] {same, same}).embed(LossInputs.POSITIVE, new double[][] {same, same});
        assertThat(LossTestKit.value(loss, identical)).isCloseTo(2 * Math.log(2), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, identical);
    }

    @Test
    void invalidDimensionsAndInnerLossesAreRejected() {
        assertThatThrownBy(() -> LossTestKit.value(Matryoshka.of(InfoNCE.builder().build(), 8, 4), batch()))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'matryoshka' expects query embeddings of at least 8 dimensions (its largest dim), got (3, 4)");
        assertThatThrownBy(() -> Matryoshka.of(InfoNCE.builder().build(), new int[] {4, 2}, new double[] {1}))
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("1 values for 2 dims");
        assertThatThrownBy(() -> Matryoshka.of(InfoNCE.builder().build(), 4, 4)).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("repeats");
        assertThatThrownBy(() -> Matryoshka.of(InfoNCE.builder().build(), 0)).isInstanceOf(LossConfigurationException.class);
        assertThatThrownBy(() -> Matryoshka.of(InfoNCE.builder().build())).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("'dims'");
        assertThatThrownBy(() -> Matryoshka.of(ArcFaceAdaptiveMarginLoss.builder(3, 4).build(), 4, 2))
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("fixed embedding size");
    }

    @Test
    void theRegistryBuildsTheInnerLossByNameWithItsOptions() {
        Loss loss = PluginRegistry.global().create(PluginKinds.LOSS, "matryoshka", Map.of("dims", "4, 2", "weights", "1,0.5",
                "loss", "infonce", "loss_options", "temperature=0.1,label_smoothing=0.05"));
        Matryoshka matryoshka = (Matryoshka) loss;
        assertThat(((InfoNCE) matryoshka.inner()).temperature()).isEqualTo(0.1);
        assertThat(((InfoNCE) matryoshka.inner()).labelSmoothing()).isEqualTo(0.05);
        double expected = InfoNCETest.reference(shrink(QUERIES, 4), shrink(POSITIVES, 4), shrink(NEGATIVES, 4), 0.1, 0.05, true, true, false)
                + 0.5 * InfoNCETest.reference(shrink(QUERIES, 2), shrink(POSITIVES, 2), shrink(NEGATIVES, 2), 0.1, 0.05, true, true, false);
        assertThat(LossTestKit.value(loss, batch())).isCloseTo(expected, within(VALUE_TOLERANCE));

        Loss withInner = PluginRegistry.global().create(PluginKinds.LOSS, "matryoshka", Map.of("dims", "3", "inner", CoSENT.create()));
        assertThat(((Matryoshka) withInner).inner()).isInstanceOf(CoSENT.class);
        assertThat(withInner.requiredInputs()).contains(LossInputs.SCORE);

        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "matryoshka", Map.of("dims", "4,x")))
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("comma-separated integers");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "matryoshka",
                Map.of("dims", "4", "loss_options", "temperature")))
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("key=value");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "matryoshka",
                Map.of("dims", "4", "loss_options", "temperature=-1")))
                .hasMessage("Option 'temperature' of loss 'infonce' is '-1'; allowed: a number in (0, +inf)");
    }
}
