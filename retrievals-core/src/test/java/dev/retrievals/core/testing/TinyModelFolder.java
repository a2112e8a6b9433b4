package dev.retrievals.core.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny randomly initialised BERT as a Hugging Face folder (config.json, model.safetensors, and
 * all-MiniLM-L6-v2's tokenizer.json), for fast training runs and fast encoding in tests of any
 * module (shared through retrievals-core's test-jar; the module's tests need the PyTorch engine and
 * the all-MiniLM-L6-v2 model jar on their classpath).
 */
public final class TinyModelFolder {
    private static final int HIDDEN = 16;
    private static final int LAYERS = 2;
    private static final int INNER = 32;
    private static final int VOCAB = 30522;
    private static final int POSITIONS = 64;

    private TinyModelFolder() {}

    /** Writes the folder with weights drawn from a generator seeded by {@code seed}; returns {@code folder}. */
    public static Path write(Path folder, int seed) throws IOException {
        return write(folder, seed, 0.1);
    }

    /** Like {@link #write(Path, int)} with the given dropout probability (0: training steps are deterministic functions of the batch). */
    public static Path write(Path folder, int seed, double dropout) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": " + VOCAB
                + ", \"hidden_size\": " + HIDDEN + ", \"num_hidden_layers\": " + LAYERS + ", \"num_attention_heads\": 2,"
                + " \"intermediate_size\": " + INNER + ", \"max_position_embeddings\": " + POSITIONS + ", \"type_vocab_size\": 2,"
                + " \"hidden_dropout_prob\": " + dropout + ", \"attention_probs_dropout_prob\": " + dropout + "}");
        try (InputStream tokenizer = TinyModelFolder.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tokenizer, folder.resolve("tokenizer.json"));
        }
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(seed);
        try (NDManager manager = engine.newBaseManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            weights.put("embeddings.word_embeddings.weight", normal(manager, VOCAB, HIDDEN));
            weights.put("embeddings.position_embeddings.weight", normal(manager, POSITIONS, HIDDEN));
            weights.put("embeddings.token_type_embeddings.weight", normal(manager, 2, HIDDEN));
            layerNorm(manager, weights, "embeddings.LayerNorm");
            for (int layer = 0; layer < LAYERS; layer++) {
                String prefix = "encoder.layer." + layer + ".";
                for (String name : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                        "attention.output.dense"}) {
                    linear(manager, weights, prefix + name, HIDDEN, HIDDEN);
                }
                layerNorm(manager, weights, prefix + "attention.output.LayerNorm");
                linear(manager, weights, prefix + "intermediate.dense", INNER, HIDDEN);
                linear(manager, weights, prefix + "output.dense", HIDDEN, INNER);
                layerNorm(manager, weights, prefix + "output.LayerNorm");
            }
            SafetensorsFile.fromNDArrays(weights).write(folder.resolve("model.safetensors"));
        }
        return folder;
    }

    private static NDArray normal(NDManager manager, long... shape) {
        return manager.randomNormal(0, 0.2f, new Shape(shape), DataType.FLOAT32);
    }

    private static void linear(NDManager manager, Map<String, NDArray> weights, String name, int out, int in) {
        weights.put(name + ".weight", normal(manager, out, in));
        weights.put(name + ".bias", manager.zeros(new Shape(out)));
    }

    private static void layerNorm(NDManager manager, Map<String, NDArray> weights, String name) {
        weights.put(name + ".weight", manager.ones(new Shape(HIDDEN)));
        weights.put(name + ".bias", manager.zeros(new Shape(HIDDEN)));
    }
}
