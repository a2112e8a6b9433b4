package dev.retrievals.losses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Shared test helpers for the losses: a float64 batch description, the loss's value and autograd
 * gradients, central finite differences, and plain double math for the reference values.
 */
final class LossTestKit {
    /** Tolerance of a loss value against its plain-math reference. */
    static final double VALUE_TOLERANCE = 1e-5;
    /**
     * Largest relative error of an autograd gradient against central differences. In float64 with a
     * step of 1e-6, truncation error is about h² ≈ 1e-12 and rounding about ε/h ≈ 1e-10 of the
     * values, so a correct gradient agrees to better than 1e-7; a wrong factor or a missing term
     * does not.
     */
    static final double GRADIENT_TOLERANCE = 1e-6;
    /**
     * What rounding alone makes central differences wrong by, in absolute terms: about ε·|loss|/h,
     * 2e-10 to 2e-9 per entry for the test losses (values up to about ten). It matters only where
     * the gradient itself is tiny (a saturated softmax at temperature 0.05, a zero gradient); a
     * wrong gradient of these test batches is off by far more.
     */
    static final double DIFFERENCE_NOISE = 1e-8;
    /** Step of the central differences (float64). */
    static final double STEP = 1e-6;

    private static final NDManager ROOT = NDManager.newBaseManager();

    private LossTestKit() {}

    /** The base manager of the tests; every computation runs in a sub-manager of it. */
    static NDManager root() {
        return ROOT;
    }

    /** A batch: embeddings (float64, differentiable), per-row scores, integer labels and constant matrices. */
    static final class Batch {
        private final Map<String, double[][]> embeddings = new LinkedHashMap<>();
        private final Map<String, double[]> vectors = new LinkedHashMap<>();
        private final Map<String, long[]> labels = new LinkedHashMap<>();
        private final Map<String, double[][]> constants = new LinkedHashMap<>();

        static Batch of() {
            return new Batch();
        }

        Batch embed(String role, double[][] rows) {
            embeddings.put(role, copy(rows));
            return this;
        }

        Batch vector(String role, double... values) {
            vectors.put(role, values.clone());
            return this;
        }

        Batch labels(String role, long... values) {
            labels.put(role, values.clone());
            return this;
        }

        Batch constant(String role, double[][] rows) {
            constants.put(role, copy(rows));
            return this;
        }

        Map<String, double[][]> embeddings() {
            return embeddings;
        }

        /** A copy with one embedding entry changed by {@code delta}. */
        Batch perturbed(String role, int row, int column, double delta) {
            Batch copy = new Batch();
            embeddings.forEach((name, rows) -> copy.embeddings.put(name, copy(rows)));
            copy.vectors.putAll(vectors);
            copy.labels.putAll(labels);
            copy.constants.putAll(constants);
            copy.embeddings.get(role)[row][column] += delta;
            return copy;
        }

        /** The arrays in {@code manager} (float64); embeddings get gradients when {@code track}. */
        LossInputs toInputs(NDManager manager, boolean track) {
            return toInputs(manager, track, DataType.FLOAT64);
        }

        /** The arrays in {@code manager}, embeddings, scores and constants in {@code type}; embeddings get gradients when {@code track}. */
        LossInputs toInputs(NDManager manager, boolean track, DataType type) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            embeddings.forEach((role, rows) -> {
                NDArray array = manager.create(rows).toType(type, false);
                if (track) {
                    array.setRequiresGradient(true);
                }
                arrays.put(role, array);
            });
            vectors.forEach((role, values) -> arrays.put(role, manager.create(values).toType(type, false)));
            labels.forEach((role, values) -> arrays.put(role, manager.create(values)));
            constants.forEach((role, rows) -> arrays.put(role, manager.create(rows).toType(type, false)));
            return LossInputs.of(arrays);
        }
    }

    /** The loss's value on the batch (float64). */
    static double value(Loss loss, Batch batch) {
        return value(loss, batch, DataType.FLOAT64);
    }

    /** The loss's value on the batch computed in {@code type}, as a double. */
    static double value(Loss loss, Batch batch, DataType type) {
        try (NDManager manager = ROOT.newSubManager()) {
            NDArray result = loss.forward(batch.toInputs(manager, false, type));
            assertThat(result.getShape().dimension()).as("a loss is a scalar").isZero();
            return result.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Autograd gradients of the loss with respect to every embedding role (float64). */
    static Map<String, double[][]> autogradGradients(Loss loss, Batch batch) {
        return autogradGradients(loss, batch, DataType.FLOAT64);
    }

    /** Autograd gradients of the loss computed in {@code type}, with respect to every embedding role. */
    static Map<String, double[][]> autogradGradients(Loss loss, Batch batch, DataType type) {
        try (NDManager manager = ROOT.newSubManager()) {
            LossInputs inputs = batch.toInputs(manager, true, type);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss.forward(inputs));
            }
            Map<String, double[][]> gradients = new LinkedHashMap<>();
            for (Map.Entry<String, double[][]> entry : batch.embeddings().entrySet()) {
                double[] flat = inputs.require(entry.getKey()).getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                gradients.put(entry.getKey(), reshape(flat, entry.getValue().length, entry.getValue()[0].length));
            }
            return gradients;
        }
    }

    /** Central-difference gradients of the loss with respect to every embedding role. */
    static Map<String, double[][]> numericGradients(Loss loss, Batch batch) {
        Map<String, double[][]> gradients = new LinkedHashMap<>();
        batch.embeddings().forEach((role, rows) -> {
            double[][] gradient = new double[rows.length][rows[0].length];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < rows[0].length; c++) {
                    double plus = value(loss, batch.perturbed(role, r, c, STEP));
                    double minus = value(loss, batch.perturbed(role, r, c, -STEP));
                    gradient[r][c] = (plus - minus) / (2 * STEP);
                }
            }
            gradients.put(role, gradient);
        });
        return gradients;
    }

    /** Asserts that autograd matches central differences for every embedding role, and is finite. */
    static void assertGradientsMatch(Loss loss, Batch batch) {
        Map<String, double[][]> analytic = autogradGradients(loss, batch);
        Map<String, double[][]> numeric = numericGradients(loss, batch);
        for (String role : batch.embeddings().keySet()) {
            double[] a = flatten(analytic.get(role));
            double[] n = flatten(numeric.get(role));
            for (double each : a) {
                assertThat(each).as("autograd gradient of %s is finite", role).isFinite();
            }
            assertMatchesCentralDifferences(a, n, "the gradient w.r.t. " + role);
        }
    }

    /** Asserts that an autograd gradient equals central differences to {@link #GRADIENT_TOLERANCE} (relative) plus {@link #DIFFERENCE_NOISE}. */
    static void assertMatchesCentralDifferences(double[] analytic, double[] numeric, String what) {
        assertThat(distance(analytic, numeric)).as("error of %s (autograd %s vs numeric %s)", what,
                java.util.Arrays.toString(analytic), java.util.Arrays.toString(numeric))
                .isLessThanOrEqualTo(GRADIENT_TOLERANCE * norm(numeric) + DIFFERENCE_NOISE);
    }

    /** The euclidean distance of two vectors. */
    static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    /** Central differences of a scalar function of a vector. */
    static double[] centralDifference(double[] x, ToDoubleFunction<double[]> f) {
        double[] gradient = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += STEP;
            minus[i] -= STEP;
            gradient[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * STEP);
        }
        return gradient;
    }

    /**
     * {@code |a − n| / max(|a|, |n|)} in the euclidean norm; the absolute error when both are below
     * 1e-8 (a zero gradient).
     */
    static double relativeError(double[] analytic, double[] numeric) {
        double difference = 0;
        double a = 0;
        double n = 0;
        for (int i = 0; i < analytic.length; i++) {
            difference += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += analytic[i] * analytic[i];
            n += numeric[i] * numeric[i];
        }
        double scale = Math.max(Math.sqrt(a), Math.sqrt(n));
        return scale < 1e-8 ? Math.sqrt(difference) : Math.sqrt(difference) / scale;
    }

    // ---- plain double math for reference values -------------------------------------------

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] unit(double[] a) {
        double norm = Math.max(norm(a), 1e-12);
        double[] unit = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            unit[i] = a[i] / norm;
        }
        return unit;
    }

    static double cosine(double[] a, double[] b) {
        return dot(unit(a), unit(b));
    }

    static double euclidean(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(Math.max(sum, 1e-12));
    }

    static double logSumExp(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            max = Math.max(max, value);
        }
        double sum = 0;
        for (double value : values) {
            sum += Math.exp(value - max);
        }
        return max + Math.log(sum);
    }

    static double[] logSoftmax(double[] logits) {
        double normaliser = logSumExp(logits);
        double[] result = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            result[i] = logits[i] - normaliser;
        }
        return result;
    }

    /** torch's CrossEntropyLoss of one row with label smoothing: target (1−ε)·onehot + ε/K. */
    static double crossEntropy(double[] logits, int target, double smoothing) {
        double[] logProbabilities = logSoftmax(logits);
        double loss = 0;
        for (int k = 0; k < logits.length; k++) {
            double weight = smoothing / logits.length + (k == target ? 1 - smoothing : 0);
            loss -= weight * logProbabilities[k];
        }
        return loss;
    }

    static double softplus(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    static double[][] copy(double[][] rows) {
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i].clone();
        }
        return copy;
    }

    static double[] flatten(double[][] rows) {
        double[] flat = new double[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }

    static double[][] reshape(double[] flat, int rows, int columns) {
        double[][] result = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * columns, result[i], 0, columns);
        }
        return result;
    }

    /** Rows {@code from … to−1} of a matrix. */
    static double[][] rows(double[][] matrix, int from, int to) {
        double[][] result = new double[to - from][];
        for (int i = from; i < to; i++) {
            result[i - from] = matrix[i].clone();
        }
        return result;
    }
}
