package dev.retrievals.losses;

import static dev.retrievals.losses.LossTestKit.VALUE_TOLERANCE;
import static dev.retrievals.losses.LossTestKit.dot;
import static dev.retrievals.losses.LossTestKit.logSoftmax;
import static dev.retrievals.losses.LossTestKit.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossConfigurationException;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.loss.LossMode;
import dev.retrievals.core.loss.LossState;
import dev.retrievals.core.loss.StatefulLoss;
import dev.retrievals.core.spi.InvalidOptionException;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArcFaceAdaptiveMarginLossTest {
    static final int CLASSES = 4;
    static final int DIM = 3;
    /** Class centres (not unit length: the loss normalises them). */
    static final double[][] CENTRES = {{1.0, 0.2, -0.1}, {-0.3, 0.9, 0.4}, {0.2, -0.6, 0.8}, {-0.7, -0.4, -0.5}};
    static final double[][] TEXTS = {{0.9, 0.3, 0.1}, {-0.1, 0.8, 0.5}, {0.5, -0.4, 0.6}, {-0.9, -0.2, -0.3}, {0.4, 0.4, 0.4}};
    static final long[] LABELS = {0, 1, 2, 3, 1};

    private final List<StatefulLoss> created = new ArrayList<>();

    @AfterEach
    void closeLosses() {
        created.forEach(StatefulLoss::close);
    }

    /** ArcFace from its definition (open-retrievals' formulas), in plain doubles. */
    static double reference(double[][] centres, double[][] texts, long[] labels, double scale, double margin, boolean easy,
            double smoothing) {
        int classes = centres.length;
        double total = 0;
        for (int i = 0; i < texts.length; i++) {
            double[] logits = new double[classes];
            double[] target = new double[classes];
            for (int k = 0; k < classes; k++) {
                double cos = dot(unit(texts[i]), unit(centres[k]));
                double sin = Math.sqrt(Math.max(1 - cos * cos, 1e-12));
                double phi = cos * Math.cos(margin) - sin * Math.sin(margin);
                if (easy) {
                    phi = cos > 0 ? phi : cos;
                } else {
                    phi = cos > Math.cos(Math.PI - margin) ? phi : cos - Math.sin(Math.PI - margin) * margin;
                }
                target[k] = (1 - smoothing) * (k == labels[i] ? 1 : 0) + smoothing / classes;
                logits[k] = scale * (target[k] * phi + (1 - target[k]) * cos);
            }
            double[] logProbabilities = logSoftmax(logits);
            for (int k = 0; k < classes; k++) {
                total -= target[k] * logProbabilities[k];
            }
        }
        return total / texts.length;
    }

    ArcFaceAdaptiveMarginLoss.Builder builder() {
        return ArcFaceAdaptiveMarginLoss.builder(CLASSES, DIM);
    }

    /** Initialises the loss in float64 and sets its centres to {@code centres}. */
    ArcFaceAdaptiveMarginLoss withCentres(ArcFaceAdaptiveMarginLoss loss, double[][] centres) {
        created.add(loss);
        loss.initialize(LossTestKit.root(), DataType.FLOAT64);
        setCentres(loss, centres);
        return loss;
    }

    static void setCentres(ArcFaceAdaptiveMarginLoss loss, double[][] centres) {
        try (NDManager manager = LossTestKit.root().newSubManager()) {
            LossState current = loss.state(manager);
            loss.restore(new LossState(Map.of(ArcFaceAdaptiveMarginLoss.WEIGHT, manager.create(centres)), current.values()));
        }
    }

    static Batch batch(double[][] texts, long[] labels) {
        return Batch.of().embed(LossInputs.TEXT, texts).labels(LossInputs.LABEL, labels);
    }

    @Test
    void theValueMatchesThePlainComputation() {
        assertThat(LossTestKit.value(withCentres(builder().build(), CENTRES), batch(TEXTS, LABELS)))
                .isCloseTo(reference(CENTRES, TEXTS, LABELS, 30, 0.5, false, 0), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(withCentres(builder().labelSmoothing(0.1).scale(16).build(), CENTRES), batch(TEXTS, LABELS)))
                .isCloseTo(reference(CENTRES, TEXTS, LABELS, 16, 0.5, false, 0.1), within(VALUE_TOLERANCE));
        assertThat(LossTestKit.value(withCentres(builder().easyMargin(true).margin(0.3).build(), CENTRES), batch(TEXTS, LABELS)))
                .isCloseTo(reference(CENTRES, TEXTS, LABELS, 30, 0.3, true, 0), within(VALUE_TOLERANCE));
    }

    @Test
    void aLargeMarginTakesTheMonotonicFallbackWhereTheAngleExceedsPiMinusTheMargin() {
        double margin = 1.2;
        double threshold = Math.cos(Math.PI - margin);
        int below = 0;
        for (double[] text : TEXTS) {
            for (double[] centre : CENTRES) {
                if (dot(unit(text), unit(centre)) <= threshold) {
                    below++;
                }
            }
        }
        assertThat(below).as("entries on the fallback branch").isPositive();

        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().margin(margin).labelSmoothing(0.05).build(), CENTRES);
        assertThat(LossTestKit.value(loss, batch(TEXTS, LABELS)))
                .isCloseTo(reference(CENTRES, TEXTS, LABELS, 30, margin, false, 0.05), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, batch(TEXTS, LABELS));
    }

    @Test
    void theGradientWithRespectToTheTextsMatchesCentralDifferences() {
        assertBranchesClearOfTheirEdges(0.5, false);
        assertBranchesClearOfTheirEdges(0.3, true);
        LossTestKit.assertGradientsMatch(withCentres(builder().scale(8).build(), CENTRES), batch(TEXTS, LABELS));
        LossTestKit.assertGradientsMatch(withCentres(builder().scale(8).easyMargin(true).margin(0.3).labelSmoothing(0.1).build(), CENTRES),
                batch(TEXTS, LABELS));
    }

    @Test
    void theGradientWithRespectToTheCentresMatchesCentralDifferences() {
        for (ArcFaceAdaptiveMarginLoss loss : List.of(builder().scale(8).build(), builder().scale(8).margin(1.2).labelSmoothing(0.1).build(),
                builder().scale(8).easyMargin(true).margin(0.3).build())) {
            withCentres(loss, CENTRES);
            double[] analytic;
            try (NDManager manager = LossTestKit.root().newSubManager()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(loss.forward(batch(TEXTS, LABELS).toInputs(manager, false)));
                }
                NDArray gradient = loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT).getGradient();
                analytic = gradient.toDoubleArray();
                gradient.close();
            }
            double[] numeric = LossTestKit.centralDifference(LossTestKit.flatten(CENTRES), flat -> {
                setCentres(loss, LossTestKit.reshape(flat, CLASSES, DIM));
                return LossTestKit.value(loss, batch(TEXTS, LABELS));
            });
            setCentres(loss, CENTRES);

            LossTestKit.assertMatchesCentralDifferences(analytic, numeric, "the gradient w.r.t. the centres of " + loss);
        }
    }

    /** where() has no derivative where its condition flips: keep the fixed data away from those edges. */
    private static void assertBranchesClearOfTheirEdges(double margin, boolean easy) {
        double edge = easy ? 0 : Math.cos(Math.PI - margin);
        for (double[] text : TEXTS) {
            for (double[] centre : CENTRES) {
                assertThat(Math.abs(dot(unit(text), unit(centre)) - edge)).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void xavierUniformIsTheDefaultInitialisation() {
        ArcFaceAdaptiveMarginLoss loss = ArcFaceAdaptiveMarginLoss.builder(50, 40).build();
        created.add(loss);
        assertThat(loss.isInitialized()).isFalse();
        loss.initialize(LossTestKit.root(), DataType.FLOAT32);

        NDArray weight = loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT);
        double bound = Math.sqrt(6.0 / (50 + 40));
        double[] values = weight.toType(DataType.FLOAT64, false).toDoubleArray();
        double sumOfSquares = 0;
        for (double value : values) {
            assertThat(Math.abs(value)).isLessThanOrEqualTo(bound + 1e-7);
            sumOfSquares += value * value;
        }
        assertThat(weight.getShape()).isEqualTo(new Shape(50, 40));
        assertThat(weight.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(weight.hasGradient()).isTrue();
        // Var of U(-b, b) is b²/3
        assertThat(sumOfSquares / values.length).isCloseTo(bound * bound / 3, within(bound * bound / 3 * 0.15));
        assertThat(loss.needsDataInitialization()).isFalse();
        assertThatThrownBy(() -> loss.initialize(LossTestKit.root(), DataType.FLOAT32))
                .isInstanceOf(LossConfigurationException.class).hasMessageContaining("already initialized");
    }

    @Test
    void centroidInitialisationSetsEachCentreToTheMeanUnitEmbeddingOfItsClass() {
        ArcFaceAdaptiveMarginLoss loss = builder().init(ArcFaceAdaptiveMarginLoss.Init.CENTROIDS).build();
        created.add(loss);
        loss.initialize(LossTestKit.root(), DataType.FLOAT64);
        assertThat(loss.needsDataInitialization()).isTrue();
        NDArray weight = loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT);
        double[] xavierRowThree = LossTestKit.rows(LossTestKit.reshape(weight.toDoubleArray(), CLASSES, DIM), 3, 4)[0];

        double[][] texts = {{2, 0, 0}, {0, 3, 0}, {1, 1, 0}, {0, 0, -1}, {0, 0, 4}};
        long[] labels = {0, 0, 1, 2, 2};
        try (NDManager manager = LossTestKit.root().newSubManager()) {
            loss.initializeFromData(batch(texts, labels).toInputs(manager, false));
        }

        double[][] centres = LossTestKit.reshape(loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT).toDoubleArray(), CLASSES, DIM);
        assertThat(centres[0]).containsExactly(new double[] {0.5, 0.5, 0}, within(1e-12));
        assertThat(centres[1]).containsExactly(unit(new double[] {1, 1, 0}), within(1e-12));
        assertThat(centres[2]).containsExactly(new double[] {0, 0, 0}, within(1e-12));
        assertThat(centres[3]).as("a class without texts keeps its Xavier row").containsExactly(xavierRowThree, within(1e-12));
        assertThat(loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT)).as("the parameter keeps its identity").isSameAs(weight);
        assertThat(loss.needsDataInitialization()).isFalse();
    }

    @Test
    void theMarginFollowsALinearRampInTrainingAndEvaluationNeverAdvancesIt() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().marginSchedule(MarginSchedule.linear(0.1, 0.5, 4)).build(), CENTRES);
        double[] margins = new double[6];
        for (int step = 0; step < 6; step++) {
            margins[step] = loss.margin();
            assertThat(LossTestKit.value(loss, batch(TEXTS, LABELS)))
                    .isCloseTo(reference(CENTRES, TEXTS, LABELS, 30, loss.margin(), false, 0), within(VALUE_TOLERANCE));
            loss.onStepEnd();
        }
        assertThat(margins).containsExactly(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.5}, within(1e-12));

        ArcFaceAdaptiveMarginLoss ramp = withCentres(builder().marginSchedule(MarginSchedule.linear(0.1, 0.5, 4)).build(), CENTRES);
        ramp.onStepEnd();
        ramp.setMode(LossMode.EVALUATION);
        double before = ramp.margin();
        for (int i = 0; i < 3; i++) {
            LossTestKit.value(ramp, batch(TEXTS, LABELS));
            ramp.onStepEnd();
        }
        assertThat(ramp.step()).isEqualTo(1);
        assertThat(ramp.margin()).isEqualTo(before);
        ramp.setMode(LossMode.TRAINING);
        ramp.onStepEnd();
        assertThat(ramp.step()).isEqualTo(2);
        assertThat(ramp.margin()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void theMarginCanBeSetDuringTraining() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().build(), CENTRES);
        loss.onStepEnd();
        loss.setMargin(0.2);

        assertThat(loss.margin()).isEqualTo(0.2);
        assertThat(LossTestKit.value(loss, batch(TEXTS, LABELS)))
                .isCloseTo(reference(CENTRES, TEXTS, LABELS, 30, 0.2, false, 0), within(VALUE_TOLERANCE));
        assertThatThrownBy(() -> loss.setMargin(2.0)).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("allowed: an angle in radians in [0, 1.5707963267948966]");
    }

    @Test
    void stateRoundTripsThroughACheckpointIntoAFreshLoss() {
        ArcFaceAdaptiveMarginLoss trained = withCentres(builder().marginSchedule(MarginSchedule.linear(0.0, 0.4, 10)).build(), CENTRES);
        for (int i = 0; i < 3; i++) {
            trained.onStepEnd();
        }
        Map<String, Number> values;
        try (NDManager checkpoint = LossTestKit.root().newSubManager()) {
            LossState state = trained.state(checkpoint);
            values = new LinkedHashMap<>(state.values());
            assertThat(state.array(ArcFaceAdaptiveMarginLoss.WEIGHT).toDoubleArray()).containsExactly(LossTestKit.flatten(CENTRES), within(1e-12));
            assertThat(state.array(ArcFaceAdaptiveMarginLoss.WEIGHT).hasGradient()).isFalse();

            ArcFaceAdaptiveMarginLoss fresh = builder().build();
            created.add(fresh);
            fresh.initialize(LossTestKit.root(), DataType.FLOAT64);
            NDArray freshWeight = fresh.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT);
            fresh.restore(state);

            assertThat(fresh.step()).isEqualTo(3);
            assertThat(fresh.margin()).isCloseTo(0.12, within(1e-12));
            assertThat(fresh.marginSchedule()).isEqualTo(MarginSchedule.linear(0.0, 0.4, 10));
            assertThat(fresh.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT)).isSameAs(freshWeight);
            assertThat(LossTestKit.value(fresh, batch(TEXTS, LABELS))).isCloseTo(LossTestKit.value(trained, batch(TEXTS, LABELS)), within(1e-12));
        }
        assertThat(values).containsEntry("step", 3L).containsEntry("margin_ramp_steps", 10L).containsKeys("margin", "margin_start", "margin_end");
    }

    @Test
    void restoringAStateOfAnotherShapeFails() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().build(), CENTRES);
        try (NDManager manager = LossTestKit.root().newSubManager()) {
            LossState wrong = new LossState(Map.of(ArcFaceAdaptiveMarginLoss.WEIGHT, manager.zeros(new Shape(5, DIM), DataType.FLOAT64)),
                    loss.state(manager).values());
            assertThatThrownBy(() -> loss.restore(wrong)).isInstanceOf(LossConfigurationException.class)
                    .hasMessageContaining("cannot restore arc_weight of shape (5, 3) into one of shape (4, 3)");
            LossState noStep = new LossState(loss.state(manager).arrays(), Map.of());
            assertThatThrownBy(() -> loss.restore(noStep)).isInstanceOf(LossConfigurationException.class)
                    .hasMessageContaining("has no value 'step'");
        }
    }

    @Test
    void forwardAndBackwardAttachNothingToTheParameterManager() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().build(), CENTRES);
        NDManager parameters = loss.parameters().get(ArcFaceAdaptiveMarginLoss.WEIGHT).getManager();
        int before = parameters.getManagedArrays().size();
        for (int step = 0; step < 3; step++) {
            try (NDManager manager = LossTestKit.root().newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss.forward(batch(TEXTS, LABELS).toInputs(manager, true)));
            }
        }
        assertThat(parameters.getManagedArrays()).hasSize(before);
    }

    @Test
    void aBatchOfOneAndATextOnItsCentreStayFinite() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().labelSmoothing(0.1).build(), CENTRES);
        Batch one = batch(new double[][] {TEXTS[2]}, new long[] {2});
        assertThat(LossTestKit.value(loss, one))
                .isCloseTo(reference(CENTRES, new double[][] {TEXTS[2]}, new long[] {2}, 30, 0.5, false, 0.1), within(VALUE_TOLERANCE));
        LossTestKit.assertGradientsMatch(loss, one);

        Batch onCentres = batch(new double[][] {CENTRES[0], CENTRES[0]}, new long[] {0, 0});
        assertThat(LossTestKit.value(loss, onCentres))
                .isCloseTo(reference(CENTRES, new double[][] {CENTRES[0], CENTRES[0]}, new long[] {0, 0}, 30, 0.5, false, 0.1),
                        within(VALUE_TOLERANCE));
        for (double value : LossTestKit.flatten(LossTestKit.autogradGradients(loss, onCentres).get(LossInputs.TEXT))) {
            assertThat(value).isFinite();
        }
    }

    @Test
    void wrongLabelsAndShapesAreRejected() {
        ArcFaceAdaptiveMarginLoss loss = withCentres(builder().build(), CENTRES);
        assertThatThrownBy(() -> LossTestKit.value(loss, batch(TEXTS, new long[] {0, 1, 2})))
                .isInstanceOf(LossInputException.class)
                .hasMessage("loss 'arcface' expects label of shape [5] (one class id per row of the batch), got (3)");
        assertThatThrownBy(() -> LossTestKit.value(loss, batch(TEXTS, new long[] {0, 1, 2, 4, 1})))
                .isInstanceOf(LossInputException.class).hasMessage("loss 'arcface' expects class ids in [0, 4), got 4 at row 3");
        assertThatThrownBy(() -> LossTestKit.value(loss, batch(TEXTS, new long[] {0, 1, -1, 3, 1})))
                .isInstanceOf(LossInputException.class).hasMessageContaining("got -1 at row 2");
        Batch floatLabels = Batch.of().embed(LossInputs.TEXT, TEXTS).vector(LossInputs.LABEL, 0, 1, 2, 3, 1);
        assertThatThrownBy(() -> LossTestKit.value(loss, floatLabels))
                .isInstanceOf(LossInputException.class).hasMessageContaining("integer class ids");
        assertThatThrownBy(() -> LossTestKit.value(loss, batch(new double[][] {{1, 2}, {3, 4}}, new long[] {0, 1})))
                .isInstanceOf(LossInputException.class).hasMessage("loss 'arcface' expects text of shape [batch, 3] (embedding_size), got (2, 2)");
        assertThatThrownBy(() -> LossTestKit.value(loss, Batch.of().embed(LossInputs.TEXT, TEXTS)))
                .isInstanceOf(LossInputException.class).hasMessageContaining("needs input 'label'");
    }

    @Test
    void invalidOptionsAndOrderOfCallsAreRejected() {
        assertThatThrownBy(() -> builder().margin(-0.1).build()).isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'margin' of loss 'arcface' is -0.1; allowed: a number in [0, 1.5707963267948966]");
        assertThatThrownBy(() -> builder().scale(0).build()).isInstanceOf(InvalidOptionException.class);
        assertThatThrownBy(() -> builder().labelSmoothing(1).build()).isInstanceOf(InvalidOptionException.class);
        assertThatThrownBy(() -> ArcFaceAdaptiveMarginLoss.builder(1, 3).build()).isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'num_classes' of loss 'arcface' is 1; allowed: an integer in [2, +inf)");
        assertThatThrownBy(() -> MarginSchedule.linear(0.1, 0.5, 0)).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("steps >= 1");
        assertThatThrownBy(() -> MarginSchedule.linear(0.1, 3.5, 10)).isInstanceOf(LossConfigurationException.class)
                .hasMessageContaining("end margin").hasMessageContaining("3.5");

        ArcFaceAdaptiveMarginLoss uninitialized = builder().build();
        created.add(uninitialized);
        assertThatThrownBy(uninitialized::parameters).isInstanceOf(LossConfigurationException.class)
                .hasMessage("loss 'arcface' has no arc_weight yet: call initialize(manager, dataType) first");
        assertThatThrownBy(() -> LossTestKit.value(uninitialized, batch(TEXTS, LABELS))).isInstanceOf(LossConfigurationException.class);

        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "arcface", Map.of("embedding_size", "3")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Missing required option num_classes of loss 'arcface' (number of classes (rows of arc_weight))");
        assertThatThrownBy(() -> PluginRegistry.global().create(PluginKinds.LOSS, "arcface",
                Map.of("num_classes", "4", "embedding_size", "3", "margin", "2")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("Option 'margin' of loss 'arcface' is '2'; allowed: a number in [0, 1.5707963267948966]");
    }

    @Test
    void theRegistryCreatesItWithARampAndCentroidInit() {
        Loss created = PluginRegistry.global().create(PluginKinds.LOSS, "arcface", Map.of("num_classes", "4", "embedding_size", "3",
                "margin", "0.5", "margin_start", "0.1", "margin_ramp_steps", "4", "init", "centroids", "label_smoothing", "0.05"));
        ArcFaceAdaptiveMarginLoss loss = (ArcFaceAdaptiveMarginLoss) created;
        this.created.add(loss);

        assertThat(loss.marginSchedule()).isEqualTo(MarginSchedule.linear(0.1, 0.5, 4));
        assertThat(loss.init()).isEqualTo(ArcFaceAdaptiveMarginLoss.Init.CENTROIDS);
        assertThat(loss.scale()).isEqualTo(30.0);
        assertThat(loss.requiredInputs()).containsExactlyInAnyOrder(LossInputs.TEXT, LossInputs.LABEL);
        assertThat(((ArcFaceAdaptiveMarginLoss) PluginRegistry.global().create(PluginKinds.LOSS, "arcface",
                Map.of("num_classes", "4", "embedding_size", "3"))).marginSchedule()).isEqualTo(MarginSchedule.constant(0.5));
    }
}
