package dev.retrievals.pytorch.arch;

import com.google.auto.service.AutoService;
import dev.retrievals.core.model.ModelArchitecture;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;
import dev.retrievals.pytorch.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face's {@code BertModel} (without the pooler): word, position and token-type embeddings,
 * then post-LayerNorm transformer layers. Parameter names and layouts are Hugging Face's, so a
 * {@code model.safetensors} of a BERT checkpoint loads as it is. RoBERTa and XLM-R differ only in
 * their position ids ({@link RobertaArchitecture}).
 */
public class BertArchitecture implements TransformerArchitecture {

    @Override
    public String modelType() {
        return "bert";
    }

    @Override
    public Map<String, long[]> parameterShapes(TransformerConfig config) {
        long hidden = config.hiddenSize();
        long inner = config.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {config.vocabSize(), hidden});
        shapes.put("embeddings.position_embeddings.weight", new long[] {config.maxPositionEmbeddings(), hidden});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {config.typeVocabSize(), hidden});
        putLayerNorm(shapes, "embeddings.LayerNorm", hidden);
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String prefix = "encoder.layer." + layer + ".";
            putLinear(shapes, prefix + "attention.self.query", hidden, hidden);
            putLinear(shapes, prefix + "attention.self.key", hidden, hidden);
            putLinear(shapes, prefix + "attention.self.value", hidden, hidden);
            putLinear(shapes, prefix + "attention.output.dense", hidden, hidden);
            putLayerNorm(shapes, prefix + "attention.output.LayerNorm", hidden);
            putLinear(shapes, prefix + "intermediate.dense", inner, hidden);
            putLinear(shapes, prefix + "output.dense", hidden, inner);
            putLayerNorm(shapes, prefix + "output.LayerNorm", hidden);
        }
        return shapes;
    }

    private static void putLinear(Map<String, long[]> shapes, String name, long out, long in) {
        shapes.put(name + ".weight", new long[] {out, in});
        shapes.put(name + ".bias", new long[] {out});
    }

    private static void putLayerNorm(Map<String, long[]> shapes, String name, long width) {
        shapes.put(name + ".weight", new long[] {width});
        shapes.put(name + ".bias", new long[] {width});
    }

    /** The position ids of a batch; BERT counts from 0 at every row's first position. */
    protected <T> T positionIds(EncoderOps<T> ops, TransformerConfig config, T inputIds) {
        return ops.positionIds(inputIds);
    }

    @Override
    public <T> T lastHiddenState(EncoderOps<T> ops, TransformerConfig config, T inputIds, T attentionMask, T tokenTypeIds) {
        T hidden = ops.segment(() -> embeddings(ops, config, inputIds, tokenTypeIds));
        T bias = ops.attentionBias(attentionMask);
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String prefix = "encoder.layer." + layer + ".";
            hidden = ops.segment(hidden, input -> layer(ops, config, prefix, input, bias));
        }
        return hidden;
    }

    /** Word, token-type and position embeddings, summed, normalised and dropped out: {@code [b, s, hidden]}. */
    private <T> T embeddings(EncoderOps<T> ops, TransformerConfig config, T inputIds, T tokenTypeIds) {
        T types = tokenTypeIds != null ? tokenTypeIds : ops.zerosLike(inputIds);
        T embedded = ops.add(ops.add(
                        ops.embedding(ops.parameter("embeddings.word_embeddings.weight"), inputIds),
                        ops.embedding(ops.parameter("embeddings.token_type_embeddings.weight"), types)),
                ops.embedding(ops.parameter("embeddings.position_embeddings.weight"), positionIds(ops, config, inputIds)));
        return ops.dropout(layerNorm(ops, "embeddings.LayerNorm", embedded, config.layerNormEps()), config.hiddenDropoutProb());
    }

    private <T> T layer(EncoderOps<T> ops, TransformerConfig config, String prefix, T hidden, T bias) {
        double eps = config.layerNormEps();
        T context = ops.scoped(() -> selfAttention(ops, config, prefix, hidden, bias));
        T attended = ops.dropout(linear(ops, prefix + "attention.output.dense", context), config.hiddenDropoutProb());
        T attentionOutput = layerNorm(ops, prefix + "attention.output.LayerNorm", ops.add(attended, hidden), eps);
        T intermediate = ops.activation(linear(ops, prefix + "intermediate.dense", attentionOutput), config.hiddenAct());
        T output = ops.dropout(linear(ops, prefix + "output.dense", intermediate), config.hiddenDropoutProb());
        return layerNorm(ops, prefix + "output.LayerNorm", ops.add(output, attentionOutput), eps);
    }

    /** Multi-head self-attention up to the merged heads (before the output projection): {@code [b, s, hidden]}. */
    private static <T> T selfAttention(EncoderOps<T> ops, TransformerConfig config, String prefix, T hidden, T bias) {
        int heads = config.numAttentionHeads();
        double scale = 1.0 / Math.sqrt((double) config.hiddenSize() / heads);
        T query = ops.splitHeads(linear(ops, prefix + "attention.self.query", hidden), heads);
        T key = ops.splitHeads(linear(ops, prefix + "attention.self.key", hidden), heads);
        T value = ops.splitHeads(linear(ops, prefix + "attention.self.value", hidden), heads);
        T scores = ops.attentionScores(query, key, scale, bias);
        T probabilities = ops.dropout(ops.softmax(scores), config.attentionProbsDropoutProb());
        return ops.mergeHeads(ops.matMul(probabilities, value));
    }

    private static <T> T linear(EncoderOps<T> ops, String name, T x) {
        return ops.linear(x, ops.parameter(name + ".weight"), ops.parameter(name + ".bias"));
    }

    private static <T> T layerNorm(EncoderOps<T> ops, String name, T x, double eps) {
        return ops.layerNorm(x, ops.parameter(name + ".weight"), ops.parameter(name + ".bias"), eps);
    }

    /** Registers {@link BertArchitecture} under {@code model_type} {@code bert}. */
    @AutoService(PluginProvider.class)
    public static final class Provider extends SimplePluginProvider<ModelArchitecture> {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super(PluginKinds.ARCHITECTURE, "bert", "Hugging Face BERT encoder (BertModel without pooler).", BertArchitecture::new);
        }
    }
}
