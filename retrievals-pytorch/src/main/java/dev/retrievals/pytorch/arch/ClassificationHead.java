package dev.retrievals.pytorch.arch;

import dev.retrievals.pytorch.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sequence-classification head of Hugging Face's {@code *ForSequenceClassification} models,
 * written once against {@link EncoderOps} (so it trains on DJL and exports to ONNX from one
 * definition), with Hugging Face's parameter names:
 *
 * <ul>
 *   <li>{@link #BERT} ({@code BertForSequenceClassification}): the pooler ({@code pooler.dense}
 *       and tanh on the {@code [CLS]} state), dropout, then {@code classifier}
 *       {@code Linear(hidden, num_labels)}; stored as {@code bert.pooler.dense.*} and
 *       {@code classifier.*};</li>
 *   <li>{@link #ROBERTA} ({@code RobertaClassificationHead}, also XLM-R's): dropout on the
 *       {@code <s>} state, {@code classifier.dense} and tanh, dropout, {@code classifier.out_proj};
 *       no pooler.</li>
 * </ul>
 *
 * <p>Dropout is the config's {@code classifier_dropout} when set, else {@code hidden_dropout_prob}.
 */
public enum ClassificationHead {
    /** Pooler then classifier, with base-model prefix {@code bert.}. */
    BERT("bert.", "BertForSequenceClassification"),
    /** Dense, tanh, out_proj, with base-model prefix {@code roberta.}. */
    ROBERTA("roberta.", "RobertaForSequenceClassification");

    private final String basePrefix;
    private final String architecture;

    ClassificationHead(String basePrefix, String architecture) {
        this.basePrefix = basePrefix;
        this.architecture = architecture;
    }

    /** The head of a config's {@code model_type}: RoBERTa's for {@code roberta} and {@code xlm-roberta}, else BERT's. */
    public static ClassificationHead of(TransformerConfig config) {
        String type = config.modelType();
        return type.equals("roberta") || type.equals("xlm-roberta") ? ROBERTA : BERT;
    }

    /** The prefix Hugging Face puts before the encoder's parameter names in a model with a head ({@code bert.}, {@code roberta.}). */
    public String basePrefix() {
        return basePrefix;
    }

    /** The {@code architectures} entry of a saved config: {@code BertForSequenceClassification} … ({@code XLMRoberta…} for XLM-R). */
    public String architectureName(TransformerConfig config) {
        return config.modelType().equals("xlm-roberta") ? "XLMRobertaForSequenceClassification" : architecture;
    }

    /** The head's parameters by name (as loaded, without the base-model prefix), with their shapes. */
    public Map<String, long[]> parameterShapes(TransformerConfig config, int numLabels) {
        long hidden = config.hiddenSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (this == BERT) {
            shapes.put("pooler.dense.weight", new long[] {hidden, hidden});
            shapes.put("pooler.dense.bias", new long[] {hidden});
            shapes.put("classifier.weight", new long[] {numLabels, hidden});
            shapes.put("classifier.bias", new long[] {numLabels});
        } else {
            shapes.put("classifier.dense.weight", new long[] {hidden, hidden});
            shapes.put("classifier.dense.bias", new long[] {hidden});
            shapes.put("classifier.out_proj.weight", new long[] {numLabels, hidden});
            shapes.put("classifier.out_proj.bias", new long[] {numLabels});
        }
        return shapes;
    }

    /** A head parameter's name in a Hugging Face checkpoint: the pooler under the base-model prefix, the classifier as it is. */
    public String checkpointName(String name) {
        return name.startsWith("pooler.") ? basePrefix + name : name;
    }

    /** Whether a parameter belongs to the part that starts from scratch with a new head (the pooler may come from the encoder's checkpoint). */
    public boolean isClassifier(String name) {
        return name.startsWith("classifier.");
    }

    /** The dropout of the head: {@code classifier_dropout} if the config sets it, else {@code hidden_dropout_prob}. */
    public static double dropout(TransformerConfig config) {
        var value = config.json().get("classifier_dropout");
        return value != null && !value.isJsonNull() ? value.getAsDouble() : config.hiddenDropoutProb();
    }

    /**
     * The logits of a batch from the encoder's output.
     *
     * @param lastHiddenState {@code [b, s, hidden]}
     * @return {@code [b, num_labels]}
     */
    public <T> T logits(EncoderOps<T> ops, TransformerConfig config, T lastHiddenState) {
        double dropout = dropout(config);
        T first = ops.firstToken(lastHiddenState);
        if (this == BERT) {
            T pooled = ops.activation(linear(ops, "pooler.dense", first), "tanh");
            return linear(ops, "classifier", ops.dropout(pooled, dropout));
        }
        T dense = ops.activation(linear(ops, "classifier.dense", ops.dropout(first, dropout)), "tanh");
        return linear(ops, "classifier.out_proj", ops.dropout(dense, dropout));
    }

    private static <T> T linear(EncoderOps<T> ops, String name, T x) {
        return ops.linear(x, ops.parameter(name + ".weight"), ops.parameter(name + ".bias"));
    }
}
