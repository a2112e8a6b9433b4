package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.EncodeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Sentences per second of {@link OnnxEncoder}, of the PyTorch-engine {@link AutoModelForEmbedding#encode}
 * and of LangChain4j's {@code OnnxEmbeddingModel}, on the same exported model and the same texts
 * (English STS-B sentences), measured alternately in one process after a warm-up of each; also how
 * far apart their vectors are (all compared L2-normalised).
 *
 * <p>Settings: {@code model} (all-MiniLM-L6-v2), {@code texts} (10000), {@code pytorch_texts} (the
 * first 2000 of those texts for the PyTorch engine, which is several times slower, to keep the run
 * short), {@code rounds} (5), {@code batch} (32), {@code out}.
 */
public final class InferenceBenchmark {
    private static final int CHECK_TEXTS = 256;

    private InferenceBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) {
        BenchArgs settings = BenchArgs.parse("InferenceBenchmark", args).allow("model", "texts", "pytorch_texts", "rounds", "batch", "out");
        String id = settings.string("model", "all-MiniLM-L6-v2");
        int count = settings.integer("texts", 10_000);
        int pytorchCount = Math.min(count, settings.integer("pytorch_texts", 2000));
        int rounds = settings.integer("rounds", 5);
        int batchSize = settings.integer("batch", 32);
        boolean chinese = id.startsWith("bge");
        List<String> texts = BenchData.sentences(chinese ? BenchData.STS_B_ZH_TRAIN : BenchData.STS_B_EN_TRAIN, count);
        Path folder = StsTrainingRun.temporaryFolder();
        JsonObject result = new JsonObject();
        try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(id)) {
            OnnxExporter.export(model, folder, ExportOptions.defaults());
            Path onnx = folder.resolve(OnnxExporter.FILE_NAME);
            OnnxEmbeddingModel langChain = new OnnxEmbeddingModel(onnx, folder.resolve("tokenizer.json"),
                    model.poolingName().equals("cls") ? PoolingMode.CLS : PoolingMode.MEAN);
            EncodeOptions pytorchOptions = EncodeOptions.defaults().withBatchSize(batchSize);
            try (OnnxEncoder encoder = OnnxEncoder.builder(onnx).batchSize(batchSize).build()) {
                Map<String, Function<List<String>, float[][]>> contenders = new LinkedHashMap<>();
                contenders.put("onnx_encoder", encoder::encode);
                contenders.put("langchain4j", batch -> vectors(langChain.embedAll(batch.stream().map(TextSegment::from).toList()).content()));
                contenders.put("pytorch_encode", batch -> model.encode(batch.subList(0, Math.min(batch.size(), pytorchCount)), pytorchOptions));
                List<String> sample = texts.subList(0, Math.min(CHECK_TEXTS, texts.size()));
                Map<String, float[][]> sampleVectors = new LinkedHashMap<>();
                contenders.forEach((name, encode) -> sampleVectors.put(name, encode.apply(sample))); // warm-up and parity
                result.addProperty("max_abs_difference_onnx_encoder_vs_langchain4j",
                        maxAbsDifference(sampleVectors.get("onnx_encoder"), sampleVectors.get("langchain4j")));
                result.addProperty("max_abs_difference_onnx_encoder_vs_pytorch",
                        maxAbsDifference(sampleVectors.get("onnx_encoder"), sampleVectors.get("pytorch_encode")));
                Map<String, List<Double>> rates = new LinkedHashMap<>();
                contenders.keySet().forEach(name -> rates.put(name, new ArrayList<>()));
                List<Double> ratioLangChain = new ArrayList<>();
                List<Double> ratioPyTorch = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    for (Map.Entry<String, Function<List<String>, float[][]>> contender : contenders.entrySet()) {
                        long start = System.nanoTime();
                        int encoded = contender.getValue().apply(texts).length;
                        rates.get(contender.getKey()).add(encoded / ((System.nanoTime() - start) / 1e9));
                    }
                    int last = round - 1;
                    ratioLangChain.add(rates.get("onnx_encoder").get(last) / rates.get("langchain4j").get(last));
                    ratioPyTorch.add(rates.get("pytorch_encode").get(last) / rates.get("langchain4j").get(last));
                    System.out.printf(Locale.ROOT, "round %d: OnnxEncoder %.1f, LangChain4j %.1f, PyTorch encode %.1f sentences/s%n", round,
                            rates.get("onnx_encoder").get(last), rates.get("langchain4j").get(last), rates.get("pytorch_encode").get(last));
                }
                rates.forEach((name, values) -> result.add("sentences_per_s_" + name, Stats.of(values).toJson()));
                result.add("ratio_onnx_encoder_vs_langchain4j", Stats.of(ratioLangChain).toJson());
                result.add("ratio_pytorch_encode_vs_langchain4j", Stats.of(ratioPyTorch).toJson());
            }
        } finally {
            StsTrainingRun.delete(folder);
        }
        result.addProperty("model", id);
        result.addProperty("texts", texts.size());
        result.addProperty("pytorch_texts", pytorchCount);
        result.addProperty("batch", batchSize);
        result.add("engine_threads", Machine.engineThreads());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    private static float[][] vectors(List<Embedding> embeddings) {
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = embeddings.get(i).vector();
        }
        return vectors;
    }

    /** The largest element difference between two sets of vectors, each L2-normalised first. */
    static double maxAbsDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int row = 0; row < a.length; row++) {
            double normA = norm(a[row]);
            double normB = norm(b[row]);
            for (int i = 0; i < a[row].length; i++) {
                max = Math.max(max, Math.abs(a[row][i] / normA - b[row][i] / normB));
            }
        }
        return max;
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        return Math.sqrt(sum);
    }
}
