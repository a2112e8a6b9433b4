package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.ndarray.InPlaceCopy;
import dev.retrievals.core.ndarray.Scalars;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

/**
 * Weight averaging of a fine-tuned model with its base, as LM-Cocktail merges models to keep
 * general ability: every tensor becomes
 *
 * <pre>merged = ratio · tuned + (1 − ratio) · base</pre>
 *
 * <p>so the ratio weighs the <b>tuned</b> side: 1 keeps the fine-tuned model, 0 gives back the base,
 * 0.5 is LM-Cocktail's {@code mix_models(..., weights=[0.5, 0.5])}. The merged model keeps
 * everything else of the tuned model (its tokenizer, pooling, normalisation and prompts). The two
 * models must have the same tensor names and shapes; a difference fails naming the tensor before
 * any weight is changed.
 *
 * <p>Reference: S. Xiao, Z. Liu, P. Zhang, X. Xing, "LM-Cocktail: Resilient Tuning of Language Models
 * via Model Merging", arXiv:2311.13534 (2023); FlagEmbedding {@code LM_Cocktail/cocktail.py}.
 */
public final class ModelMerging {
    private ModelMerging() {}

    /**
     * Loads both models, merges the base into the tuned one and saves the result as a model folder
     * (complete or not at all).
     *
     * @param base the base model: a bundled name, a model folder or a run folder
     * @param tuned the fine-tuned model, same forms; the output keeps its settings
     * @param ratio the weight of the tuned model, in {@code [0, 1]}
     * @param output the folder to write
     * @throws RetrievalsException for a ratio out of range or models whose tensors differ
     */
    public static void merge(String base, String tuned, double ratio, Path output) {
        checkRatio(ratio);
        try (AutoModelForEmbedding tunedModel = AutoModelForEmbedding.fromPretrained(tuned, null, ModelOptions.defaults());
                AutoModelForEmbedding baseModel = AutoModelForEmbedding.fromPretrained(base, null, ModelOptions.defaults())) {
            mergeInto(tunedModel, baseModel, ratio, "tuned model " + tuned, "base model " + base);
            tunedModel.save(output);
        }
    }

    /**
     * Overwrites the weights of {@code tuned} with {@code ratio · tuned + (1 − ratio) · base}, in
     * place and in the tuned model's precision. Nothing is changed when the models do not match.
     *
     * @param tunedName names the tuned model in messages
     * @param baseName names the base model in messages
     */
    public static void mergeInto(AutoModelForEmbedding tuned, AutoModelForEmbedding base, double ratio, String tunedName, String baseName) {
        average(tuned.parameters(), base.parameters(), ratio, tunedName, baseName);
    }

    /**
     * Overwrites each array of {@code tuned} with {@code ratio · tuned + (1 − ratio) · base} of the
     * same name, after checking that both maps hold the same names and shapes.
     */
    static void average(Map<String, NDArray> tuned, Map<String, NDArray> base, double ratio, String tunedName, String baseName) {
        checkRatio(ratio);
        requireAll(tuned, tunedName, base, baseName);
        requireAll(base, baseName, tuned, tunedName);
        for (Map.Entry<String, NDArray> entry : tuned.entrySet()) {
            NDArray other = base.get(entry.getKey());
            if (!entry.getValue().getShape().equals(other.getShape())) {
                throw new RetrievalsException("Cannot merge: tensor '" + entry.getKey() + "' has shape " + entry.getValue().getShape()
                        + " in the " + tunedName + " but " + other.getShape() + " in the " + baseName);
            }
        }
        for (Map.Entry<String, NDArray> entry : tuned.entrySet()) {
            NDArray target = entry.getValue();
            try (NDManager scope = target.getManager().newSubManager()) {
                NDArray ours = target.duplicate();
                ours.attach(scope);
                NDArray theirs = base.get(entry.getKey()).toType(target.getDataType(), true);
                theirs.attach(scope);
                NDArray merged = Scalars.mul(ours, ratio).add(Scalars.mul(theirs.toDevice(target.getDevice(), false), 1 - ratio));
                InPlaceCopy.copy(merged, target, "merged tensor '" + entry.getKey() + "'");
            }
        }
    }

    /** Fails naming the first tensor of {@code from} (by name order) that {@code to} lacks. */
    private static void requireAll(Map<String, NDArray> from, String fromName, Map<String, NDArray> to, String toName) {
        TreeSet<String> missing = new TreeSet<>(from.keySet());
        missing.removeAll(to.keySet());
        if (!missing.isEmpty()) {
            throw new RetrievalsException("Cannot merge: tensor '" + missing.first() + "' of the " + fromName + " is missing from the "
                    + toName + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
                    + "; both models need the same architecture");
        }
    }

    private static void checkRatio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new RetrievalsException("Option 'ratio' is " + ratio + "; allowed: a number in [0, 1] (the weight of the tuned model)");
        }
    }
}
