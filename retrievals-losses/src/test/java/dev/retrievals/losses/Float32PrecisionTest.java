package dev.retrievals.losses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.losses.LossTestKit.Batch;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss computed in float32, the dtype training uses, at the sharp settings training uses
 * (temperature 0.05, ArcFace scale 30, CoSENT scale 20): the value and the gradients are finite and
 * close to the same computation in float64. The batches are realistic for an encoder in training: 32
 * rows of 64 dimensions with logits up to 1/τ = 20 (see {@link #retrievalBatch()}), and for ArcFace
 * texts lying on or very near their class centres (the arc-cosine's steep end).
 */
class Float32PrecisionTest {
    private static final int BATCH = 32;
    private static final int DIM = 64;
    private static final int NEGATIVES_PER_QUERY = 2;
    private static final int CLASSES = 8;
    /** Float32 has 24 bits of mantissa: about 6e-8 relative per operation, amplified by logits near 20–30. */
    private static final double VALUE_TOLERANCE = 1e-4;
    private static final double GRADIENT_TOLERANCE = 2e-3;

    private static final ArcFaceAdaptiveMarginLoss ARC_64 = ArcFaceAdaptiveMarginLoss.builder(CLASSES, DIM).scale(30).margin(0.5)
            .labelSmoothing(0.05).build();
    private static final ArcFaceAdaptiveMarginLoss ARC_32 = ArcFaceAdaptiveMarginLoss.builder(CLASSES, DIM).scale(30).margin(0.5)
            .labelSmoothing(0.05).build();

    @AfterAll
    static void closeLosses() {
        ARC_64.close();
        ARC_32.close();
    }

    private static double[][] gaussian(Random random, int rows) {
        double[][] result = new double[rows][DIM];
        for (double[] row : result) {
            for (int j = 0; j < DIM; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return result;
    }

    /** {@code base} plus noise of the given size (a near copy when small). */
    private static double[][] near(Random random, double[][] base, int copies, double noise) {
        double[][] result = new double[base.length * copies][DIM];
        for (int i = 0; i < result.length; i++) {
            for (int j = 0; j < DIM; j++) {
                result[i][j] = base[i / copies][j] + noise * random.nextGaussian();
            }
        }
        return result;
    }

    /**
     * Queries sharing a topic (cosine about 0.5 between any two), each positive a noisy copy of its
     * query (cosine about 0.87) and hard negatives noisier copies (about 0.8): logits 1/τ · cos span
     * 10 to 17 at τ = 0.05, and the softmax is sharp but not saturated, as in the middle of training.
     */
    private static Batch retrievalBatch() {
        Random random = new Random(17);
        double[] topic = gaussian(random, 1)[0];
        double[][] queries = gaussian(random, BATCH);
        for (double[] query : queries) {
            for (int j = 0; j < DIM; j++) {
                query[j] += topic[j];
            }
        }
        double[][] teacher = new double[BATCH][1 + NEGATIVES_PER_QUERY];
        for (double[] row : teacher) {
            for (int j = 0; j < row.length; j++) {
                row[j] = j == 0 ? 8 + random.nextDouble() : 4 * random.nextDouble();
            }
        }
        double[] scores = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            scores[i] = random.nextInt(6);
        }
        return Batch.of().embed(LossInputs.QUERY, queries).embed(LossInputs.POSITIVE, near(random, queries, 1, 0.8))
                .embed(LossInputs.NEGATIVE, near(random, queries, NEGATIVES_PER_QUERY, 1.0))
                .constant(LossInputs.TEACHER_SCORE, teacher).vector(LossInputs.SCORE, scores);
    }

    private static Batch classificationBatch(double[][] centres) {
        Random random = new Random(23);
        long[] labels = new long[BATCH];
        double[][] texts = new double[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = i % CLASSES;
            // the first texts of each class lie exactly on their centre (cos = 1 in float64, rounded in float32)
            texts[i] = i < CLASSES ? centres[i].clone() : near(random, new double[][] {centres[i % CLASSES]}, 1, 0.05)[0];
        }
        return Batch.of().embed(LossInputs.TEXT, texts).labels(LossInputs.LABEL, labels);
    }

    static Stream<Arguments> losses() {
        Batch retrieval = retrievalBatch();
        Batch pairs = Batch.of().embed(LossInputs.QUERY, retrieval.embeddings().get(LossInputs.QUERY))
                .embed(LossInputs.POSITIVE, retrieval.embeddings().get(LossInputs.POSITIVE));
        return Stream.of(
                Arguments.of("infonce τ 0.05, smoothing 0.05, own negatives", InfoNCE.builder().temperature(0.05).labelSmoothing(0.05)
                        .hardNegatives(HardNegatives.OWN).build(), retrieval),
                Arguments.of("infonce τ 0.05 symmetric", InfoNCE.builder().temperature(0.05).symmetric(true).build(), pairs),
                Arguments.of("simcse supervised τ 0.05", SimCSE.of(SimCSE.Mode.SUPERVISED, 0.05), retrieval),
                Arguments.of("simcse unsupervised τ 0.05", SimCSE.of(SimCSE.Mode.UNSUPERVISED, 0.05), pairs),
                Arguments.of("cosent scale 20", CoSENT.create(), retrieval),
                Arguments.of("angle defaults (1, 1, 1; τ 20)", AnglE.create(), retrieval),
                Arguments.of("angle angle_emb 0.5 (0, 1, 0.02)", AnglE.builder().weights(0, 1, 0.02).build(), retrieval),
                Arguments.of("triplet soft τ 0.05", TripletLoss.builder().form(TripletLoss.Form.SOFT).temperature(0.05).build(), retrieval),
                Arguments.of("triplet hinge euclidean", TripletLoss.builder().distance(TripletLoss.Distance.EUCLIDEAN).margin(0.5).build(),
                        retrieval),
                Arguments.of("margin_mse", MarginMSE.create(), retrieval),
                Arguments.of("distill_kl_div τ 0.05", DistillKLDiv.of(Similarity.COSINE, 0.05), retrieval),
                Arguments.of("matryoshka over infonce τ 0.05", Matryoshka.of(InfoNCE.builder().temperature(0.05).build(), 64, 32, 16), pairs));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void float32IsFiniteAndCloseToFloat64(String name, Loss loss, Batch batch) {
        assertCloseToFloat64(name, loss, loss, batch);
    }

    @org.junit.jupiter.api.Test
    void arcFaceAtScale30WithTextsOnTheirCentres() {
        double[][] centres = gaussian(new Random(29), CLASSES);
        ARC_64.initialize(LossTestKit.root(), DataType.FLOAT64);
        ArcFaceAdaptiveMarginLossTest.setCentres(ARC_64, centres);
        ARC_32.initialize(LossTestKit.root(), DataType.FLOAT32);
        ArcFaceAdaptiveMarginLossTest.setCentres(ARC_32, centres);
        assertCloseToFloat64("arcface scale 30, margin 0.5", ARC_64, ARC_32, classificationBatch(centres));
    }

    private static void assertCloseToFloat64(String name, Loss in64, Loss in32, Batch batch) {
        double value64 = LossTestKit.value(in64, batch, DataType.FLOAT64);
        double value32 = LossTestKit.value(in32, batch, DataType.FLOAT32);
        System.out.printf("%s: float64 %.9f, float32 %.9f%n", name, value64, value32);
        assertThat(value32).as("%s: float32 value", name).isFinite();
        assertThat(Math.abs(value32 - value64)).as("%s: |float32 − float64| of the value %s vs %s", name, value32, value64)
                .isLessThanOrEqualTo(VALUE_TOLERANCE * Math.max(1, Math.abs(value64)));
        Map<String, double[][]> gradients64 = LossTestKit.autogradGradients(in64, batch, DataType.FLOAT64);
        Map<String, double[][]> gradients32 = LossTestKit.autogradGradients(in32, batch, DataType.FLOAT32);
        for (String role : gradients64.keySet()) {
            double[] g64 = LossTestKit.flatten(gradients64.get(role));
            double[] g32 = LossTestKit.flatten(gradients32.get(role));
            for (double each : g32) {
                assertThat(each).as("%s: float32 gradient w.r.t. %s is finite", name, role).isFinite();
            }
            assertThat(LossTestKit.relativeError(g32, g64)).as("%s: relative error of the float32 gradient w.r.t. %s", name, role)
                    .isLessThanOrEqualTo(GRADIENT_TOLERANCE);
        }
    }
}
