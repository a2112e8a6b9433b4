package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.pytorch.arch.ClassificationHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes Hugging Face cross-encoder folders as {@code save_pretrained} lays them out
 * ({@code BertForSequenceClassification}: {@code bert.}-prefixed encoder, {@code bert.pooler.dense},
 * {@code classifier}; RoBERTa/XLM-R: {@code roberta.}-prefixed encoder, {@code classifier.dense},
 * {@code classifier.out_proj}) with small random weights, and keeps the weights in double
 * precision for a plain-Java reference.
 */
final class TinyRankerFolder {
    final String configJson;
    final TransformerConfig config;
    final Map<String, double[]> encoderWeights;
    final Map<String, double[]> headWeights = new LinkedHashMap<>();
    final ClassificationHead head;
    final int numLabels;

    TinyRankerFolder(String encoderConfig, int numLabels, long seed) {
        String architecture = encoderConfig.contains("xlm-roberta") ? "XLMRobertaForSequenceClassification"
                : encoderConfig.contains("\"roberta\"") ? "RobertaForSequenceClassification" : "BertForSequenceClassification";
        this.configJson = encoderConfig.replaceFirst("\\{", "{\"architectures\": [\"" + architecture + "\"], \"id2label\": "
                + id2label(numLabels) + ", ").replace(", \"architectures\": [\"BertModel\"]", "");
        this.config = TransformerConfig.parse(configJson, "tiny ranker");
        this.encoderWeights = TinyModels.randomWeights(config, TinyModels.architectureOf(config), seed);
        this.head = ClassificationHead.of(config);
        this.numLabels = numLabels;
        Random random = new Random(seed + 1);
        head.parameterShapes(config, numLabels).forEach((name, shape) -> {
            double[] values = new double[(int) (shape.length == 1 ? shape[0] : shape[0] * shape[1])];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.4);
            }
            headWeights.put(name, values);
        });
    }

    private static String id2label(int numLabels) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < numLabels; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(i).append("\": \"LABEL_").append(i).append('"');
        }
        return json.append('}').toString();
    }

    /** Writes config.json, model.safetensors under Hugging Face's names, and all-MiniLM-L6-v2's tokenizer.json. */
    Path write(Path folder) throws IOException {
        return write(folder, true);
    }

    /** Writes the encoder alone, as an embedding model's folder (names without prefix, no head). */
    Path writeEmbeddingModel(Path folder) throws IOException {
        return write(folder, false);
    }

    private Path write(Path folder, boolean withHead) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), configJson);
        Files.write(folder.resolve("tokenizer.json"), TinyModels.miniLmTokenizerJson());
        try (NDManager manager = PyTorchEngine.newManager(null)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            TinyModels.toArrays(encoderWeights, config, TinyModels.architectureOf(config), manager)
                    .forEach((name, array) -> tensors.put((withHead ? head.basePrefix() : "") + name, array));
            (withHead ? head.parameterShapes(config, numLabels) : Map.<String, long[]>of()).forEach((name, shape) -> {
                double[] values = headWeights.get(name);
                float[] floats = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    floats[i] = (float) values[i];
                }
                tensors.put(head.checkpointName(name), manager.create(floats, new Shape(shape)));
            });
            SafetensorsFile.fromNDArrays(tensors).write(folder.resolve("model.safetensors"));
        }
        return folder;
    }

    /** The logits of one tokenized pair, in plain double precision: the reference encoder, then the head's formula. */
    double[] referenceLogits(ReferenceEncoder encoder, long[] ids, long[] mask, long[] types) {
        double[] first = encoder.forward(ids, mask, types)[0];
        int hidden = config.hiddenSize();
        if (head == ClassificationHead.BERT) {
            double[] pooled = tanh(linear(first, "pooler.dense", hidden));
            return linear(pooled, "classifier", numLabels);
        }
        double[] dense = tanh(linear(first, "classifier.dense", hidden));
        return linear(dense, "classifier.out_proj", numLabels);
    }

    private double[] linear(double[] x, String name, int out) {
        double[] w = headWeights.get(name + ".weight");
        double[] b = headWeights.get(name + ".bias");
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            y[o] = b[o];
            for (int i = 0; i < x.length; i++) {
                y[o] += w[o * x.length + i] * x[i];
            }
        }
        return y;
    }

    private static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y;
    }
}
