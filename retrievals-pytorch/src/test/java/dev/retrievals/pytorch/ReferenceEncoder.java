package dev.retrievals.pytorch;

import java.util.Map;

/**
 * A BERT / RoBERTa encoder in plain double-precision Java loops, written from the Hugging Face
 * definitions, to check the DJL forward pass independently. Slow; for tiny models only.
 */
final class ReferenceEncoder {
    private final Map<String, double[]> weights;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final int inner;
    private final double eps;
    private final boolean robertaPositions;
    private final long padId;

    ReferenceEncoder(Map<String, double[]> weights, int hidden, int heads, int layers, int inner, double eps,
            boolean robertaPositions, long padId) {
        this.weights = weights;
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.inner = inner;
        this.eps = eps;
        this.robertaPositions = robertaPositions;
        this.padId = padId;
    }

    /** last_hidden_state of one text: [sequence][hidden]. */
    double[][] forward(long[] ids, long[] mask, long[] types) {
        int length = ids.length;
        double[][] x = new double[length][hidden];
        long running = 0;
        for (int t = 0; t < length; t++) {
            long position;
            if (robertaPositions) {
                running += ids[t] != padId ? 1 : 0;
                position = ids[t] != padId ? running + padId : padId;
            } else {
                position = t;
            }
            for (int j = 0; j < hidden; j++) {
                x[t][j] = row("embeddings.word_embeddings.weight", ids[t])[j]
                        + row("embeddings.position_embeddings.weight", position)[j]
                        + row("embeddings.token_type_embeddings.weight", types[t])[j];
            }
            x[t] = layerNorm(x[t], "embeddings.LayerNorm");
        }
        for (int layer = 0; layer < layers; layer++) {
            x = layer(x, mask, "encoder.layer." + layer + ".");
        }
        return x;
    }

    private double[][] layer(double[][] x, long[] mask, String p) {
        int length = x.length;
        int size = hidden / heads;
        double[][] q = new double[length][];
        double[][] k = new double[length][];
        double[][] v = new double[length][];
        for (int t = 0; t < length; t++) {
            q[t] = linear(x[t], p + "attention.self.query", hidden, hidden);
            k[t] = linear(x[t], p + "attention.self.key", hidden, hidden);
            v[t] = linear(x[t], p + "attention.self.value", hidden, hidden);
        }
        double[][] context = new double[length][hidden];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < length; t++) {
                double[] scores = new double[length];
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u < length; u++) {
                    if (mask[u] == 0) {
                        scores[u] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < size; d++) {
                        dot += q[t][h * size + d] * k[u][h * size + d];
                    }
                    scores[u] = dot / Math.sqrt(size);
                    max = Math.max(max, scores[u]);
                }
                double total = 0;
                for (int u = 0; u < length; u++) {
                    scores[u] = mask[u] == 0 ? 0 : Math.exp(scores[u] - max);
                    total += scores[u];
                }
                for (int u = 0; u < length; u++) {
                    for (int d = 0; d < size; d++) {
                        context[t][h * size + d] += scores[u] / total * v[u][h * size + d];
                    }
                }
            }
        }
        double[][] out = new double[length][];
        for (int t = 0; t < length; t++) {
            double[] attended = add(linear(context[t], p + "attention.output.dense", hidden, hidden), x[t]);
            double[] attention = layerNorm(attended, p + "attention.output.LayerNorm");
            double[] intermediate = linear(attention, p + "intermediate.dense", inner, hidden);
            for (int j = 0; j < inner; j++) {
                intermediate[j] = 0.5 * intermediate[j] * (1 + erf(intermediate[j] / Math.sqrt(2)));
            }
            out[t] = layerNorm(add(linear(intermediate, p + "output.dense", hidden, inner), attention), p + "output.LayerNorm");
        }
        return out;
    }

    private double[] row(String name, long index) {
        double[] table = weights.get(name);
        double[] row = new double[hidden];
        System.arraycopy(table, (int) index * hidden, row, 0, hidden);
        return row;
    }

    /** weight stored [out][in] as in PyTorch. */
    private double[] linear(double[] x, String name, int out, int in) {
        double[] w = weights.get(name + ".weight");
        double[] b = weights.get(name + ".bias");
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = b[o];
            for (int i = 0; i < in; i++) {
                sum += w[o * in + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private double[] layerNorm(double[] x, String name) {
        double mean = 0;
        for (double value : x) {
            mean += value / x.length;
        }
        double variance = 0;
        for (double value : x) {
            variance += (value - mean) * (value - mean) / x.length;
        }
        double[] gamma = weights.get(name + ".weight");
        double[] beta = weights.get(name + ".bias");
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = (x[j] - mean) / Math.sqrt(variance + eps) * gamma[j] + beta[j];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] sum = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            sum[j] = a[j] + b[j];
        }
        return sum;
    }

    /** erf by its Maclaurin series for |x| < 3 and the asymptotic continued fraction beyond (error < 1e-12). */
    static double erf(double x) {
        double ax = Math.abs(x);
        double result;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double fraction = 0;
            for (int n = 60; n >= 1; n--) {
                fraction = n / 2.0 / (ax + fraction);
            }
            result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
        }
        return x < 0 ? -result : result;
    }
}
