package dev.retrievals.trainer.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits parameters into {@link ParameterGroup}s with their own learning rates and weight decay,
 * the "layered learning rate" of point-wise training:
 *
 * <ul>
 *   <li>a regex-to-learning-rate map (first match wins) sets a parameter's base rate;</li>
 *   <li>layer-wise decay multiplies it by {@code decay^depth}, where the top encoder layer has depth
 *       0, layer {@code i} of {@code L} has depth {@code L - 1 - i} and the embeddings depth
 *       {@code L}; other parameters keep the base rate;</li>
 *   <li>parameters owned by the loss (ArcFace's {@code arc_weight}) get the base rate times a
 *       multiplier, without layer-wise decay;</li>
 *   <li>biases and LayerNorm weights get no weight decay, as in Hugging Face's trainer.</li>
 * </ul>
 */
public final class ParameterGroups {
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");

    private final double baseLearningRate;
    private final double weightDecay;
    private final Map<String, Double> overrides = new LinkedHashMap<>();
    private double layerwiseDecay = 1.0;
    private double lossMultiplier = 1.0;

    /** Groups with a base learning rate and weight decay. */
    public ParameterGroups(double baseLearningRate, double weightDecay) {
        this.baseLearningRate = baseLearningRate;
        this.weightDecay = weightDecay;
    }

    /** Gives parameters matching {@code regex} (searched, first override wins) their own base rate. */
    public ParameterGroups learningRateFor(String regex, double learningRate) {
        overrides.put(regex, learningRate);
        return this;
    }

    /** Sets the layer-wise decay factor (1 for none). */
    public ParameterGroups layerwiseDecay(double factor) {
        this.layerwiseDecay = factor;
        return this;
    }

    /** Sets the multiplier of the base rate for loss-owned parameters. */
    public ParameterGroups lossMultiplier(double multiplier) {
        this.lossMultiplier = multiplier;
        return this;
    }

    /**
     * The groups of a model's trainable parameters and a loss's parameters; parameters with equal
     * settings share a group.
     */
    public List<ParameterGroup> build(Map<String, NDArray> modelParameters, Map<String, NDArray> lossParameters) {
        int layers = 0;
        for (String name : modelParameters.keySet()) {
            Matcher matcher = LAYER.matcher(name);
            if (matcher.find()) {
                layers = Math.max(layers, Integer.parseInt(matcher.group(1)) + 1);
            }
        }
        Map<String, Map<String, NDArray>> byKey = new LinkedHashMap<>();
        Map<String, double[]> settings = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : modelParameters.entrySet()) {
            double rate = baseRate(entry.getKey()) * Math.pow(layerwiseDecay, depth(entry.getKey(), layers));
            add(byKey, settings, "model", entry.getKey(), entry.getValue(), rate);
        }
        for (Map.Entry<String, NDArray> entry : lossParameters.entrySet()) {
            add(byKey, settings, "loss", "loss." + entry.getKey(), entry.getValue(), baseLearningRate * lossMultiplier);
        }
        List<ParameterGroup> groups = new ArrayList<>();
        byKey.forEach((key, parameters) -> groups.add(new ParameterGroup(key, settings.get(key)[0], settings.get(key)[1], parameters)));
        return groups;
    }

    private void add(Map<String, Map<String, NDArray>> byKey, Map<String, double[]> settings, String owner, String name,
            NDArray array, double rate) {
        double decay = decays(name) ? weightDecay : 0.0;
        String key = String.format(java.util.Locale.ROOT, "%s lr=%.3g wd=%.3g", owner, rate, decay);
        byKey.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(name, array);
        settings.put(key, new double[] {rate, decay});
    }

    private double baseRate(String name) {
        for (Map.Entry<String, Double> override : overrides.entrySet()) {
            if (Pattern.compile(override.getKey()).matcher(name).find()) {
                return override.getValue();
            }
        }
        return baseLearningRate;
    }

    private static int depth(String name, int layers) {
        Matcher matcher = LAYER.matcher(name);
        if (matcher.find()) {
            return layers - 1 - Integer.parseInt(matcher.group(1));
        }
        return name.startsWith("embeddings.") ? layers : 0;
    }

    /** Hugging Face's rule: no decay on biases and normalisation weights. */
    static boolean decays(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return !(lower.endsWith("bias") || lower.contains("layernorm") || lower.contains("layer_norm"));
    }
}
