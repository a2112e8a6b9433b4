package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Tiny randomly initialised models for tests, built on all-MiniLM-L6-v2's tokenizer (vocabulary 30522). */
final class TinyModels {
    private TinyModels() {}

    static String bertConfig() {
        return "{\"model_type\": \"bert\", \"vocab_size\": 30522, \"hidden_size\": 8, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 16, \"max_position_embeddings\": 64,"
                + " \"type_vocab_size\": 2, \"layer_norm_eps\": 1e-12, \"pad_token_id\": 0, \"hidden_act\": \"gelu\","
                + " \"hidden_dropout_prob\": 0.1, \"attention_probs_dropout_prob\": 0.1, \"architectures\": [\"BertModel\"]}";
    }

    static String xlmRobertaConfig() {
        return "{\"model_type\": \"xlm-roberta\", \"vocab_size\": 30522, \"hidden_size\": 8, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 16, \"max_position_embeddings\": 66,"
                + " \"type_vocab_size\": 1, \"layer_norm_eps\": 1e-5, \"pad_token_id\": 1, \"hidden_act\": \"gelu\","
                + " \"hidden_dropout_prob\": 0.1, \"attention_probs_dropout_prob\": 0.1}";
    }

    static String robertaConfig() {
        return xlmRobertaConfig().replace("\"xlm-roberta\"", "\"roberta\"");
    }

    /** Random weights in double precision, by name (the reference uses them as they are). */
    static Map<String, double[]> randomWeights(TransformerConfig config, TransformerArchitecture architecture, long seed) {
        Random random = new Random(seed);
        Map<String, double[]> weights = new LinkedHashMap<>();
        architecture.parameterShapes(config).forEach((name, shape) -> {
            long size = 1;
            for (long dim : shape) {
                size *= dim;
            }
            double[] values = new double[(int) size];
            boolean gamma = name.endsWith("LayerNorm.weight");
            for (int i = 0; i < values.length; i++) {
                // float-representable values, so the float32 model holds exactly these weights
                values[i] = (float) ((gamma ? 1 : 0) + random.nextGaussian() * (name.contains("embeddings") ? 0.5 : 0.3));
            }
            weights.put(name, values);
        });
        return weights;
    }

    static Map<String, NDArray> toArrays(Map<String, double[]> weights, TransformerConfig config,
            TransformerArchitecture architecture, NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        architecture.parameterShapes(config).forEach((name, shape) -> {
            double[] values = weights.get(name);
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            arrays.put(name, manager.create(floats, new Shape(shape)));
        });
        return arrays;
    }

    static byte[] miniLmTokenizerJson() {
        try (InputStream in = TinyModels.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TransformerArchitecture architectureOf(TransformerConfig config) {
        return (TransformerArchitecture) PluginRegistry.global().create(PluginKinds.ARCHITECTURE, config.architectureName());
    }
}
