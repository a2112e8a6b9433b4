package dev.retrievals.bench;

import com.google.gson.JsonObject;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.ExportReport;
import dev.retrievals.onnx.Int8Quantization;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.onnx.OnnxModelDescription;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.onnx.QuantizedMatMulOp;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Int8 serving against float32 and against LangChain4j's pre-quantized jar, on all-MiniLM-L6-v2:
 * {@link OnnxEncoder} on our fp32 export, {@link OnnxEncoder} on our int8 export (and, with
 * {@code compare_ops}, on an int8 export written with ONNX Runtime's fused {@code DynamicQuantizeMatMul}
 * instead of {@code MatMulInteger}, and with every activation per tensor and per row, against the default whose activations
 * are chosen per MatMul by {@link dev.retrievals.onnx.MatMulPlanSearch}), LangChain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel} and its
 * float {@code AllMiniLmL6V2EmbeddingModel} — sentences per second on the same English STS-B texts,
 * alternated within each round after a warm-up of each; the ONNX file size of each; and the Spearman
 * correlation of each on {@code sts-b-en/dev} and on {@code sick-en/trial} (cosine of each pair against the gold score).
 *
 * <p>Evidence beyond the single Spearman delta, from the same sts-b-en/dev vectors: the cosine of each quantized
 * model's vector of every sentence to the vector of the float32 model of its own family ({@code sts_cosine_vs_own_fp32}),
 * and a paired bootstrap of the deltas int8 − fp32 and LangChain4j-q − LangChain4j and of their difference
 * ({@code spearman_delta_bootstrap}: {@value #BOOTSTRAP_RESAMPLES} resamples of the pairs, seed {@value #BOOTSTRAP_SEED};
 * the same on sick-en/trial, {@code spearman_delta_bootstrap_sick}).
 *
 * <p>The int8 exports are written with {@code force}: the figures are measured whatever the export's accuracy gate
 * says, and its smallest cosine is recorded ({@code export_min_cosine_*}).
 *
 * <p>Settings: {@code texts} (2000), {@code rounds} (5), {@code batch} (32, OnnxEncoder's batch),
 * {@code sts_pairs} (0: all 1,500 dev pairs and all 495 SICK trial pairs; else the first that many of each),
 * {@code compare_ops} (true), {@code out}.
 */
public final class Int8InferenceBenchmark {
    private static final String STS_B_EN_DEV = "sts-b-en/dev.jsonl";
    private static final String SICK_EN_TRIAL = "sick-en/trial.jsonl";
    private static final int BOOTSTRAP_RESAMPLES = 2000;
    private static final long BOOTSTRAP_SEED = 42;
    private static final String FP32 = "onnx_encoder_fp32";
    private static final String INT8 = "onnx_encoder_int8";
    private static final String INT8_FUSED = "onnx_encoder_int8_dynamic_quantize_matmul";
    private static final String INT8_PER_TENSOR = "onnx_encoder_int8_per_tensor";
    private static final String INT8_PER_ROW = "onnx_encoder_int8_per_row";
    private static final String LANGCHAIN4J_Q = "langchain4j_q";
    private static final String LANGCHAIN4J = "langchain4j_fp32";

    private Int8InferenceBenchmark() {}

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) throws Exception {
        BenchArgs settings = BenchArgs.parse("Int8InferenceBenchmark", args).allow("texts", "rounds", "batch", "sts_pairs", "compare_ops",
                "model", "out");
        String modelId = settings.string("model", "all-MiniLM-L6-v2");
        boolean langChain4j = modelId.equals("all-MiniLM-L6-v2");
        int count = settings.integer("texts", 2000);
        int rounds = settings.integer("rounds", 5);
        int batchSize = settings.integer("batch", 32);
        int stsPairs = settings.integer("sts_pairs", 0);
        boolean compareOps = Boolean.parseBoolean(settings.string("compare_ops", "true"));
        List<String> texts = BenchData.sentences(BenchData.STS_B_EN_TRAIN, count);
        StsPairs sts = StsPairs.read(STS_B_EN_DEV, stsPairs);
        StsPairs sick = StsPairs.read(SICK_EN_TRIAL, stsPairs);
        Path folder = StsTrainingRun.temporaryFolder();
        JsonObject result = new JsonObject();
        List<OnnxEncoder> encoders = new ArrayList<>();
        try {
            Map<String, Path> files = new LinkedHashMap<>();
            try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(modelId)) {
                files.put(FP32, export(model, folder.resolve("fp32"), ExportOptions.defaults(), result, FP32));
                files.put(INT8, export(model, folder.resolve("int8"), ExportOptions.int8().withForce(true), result, INT8));
                if (compareOps) {
                    files.put(INT8_PER_TENSOR, export(model, folder.resolve("int8-per-tensor"), ExportOptions.int8().withForce(true)
                            .withQuantization(Int8Quantization.defaults().withOp(QuantizedMatMulOp.MATMUL_INTEGER)), result, INT8_PER_TENSOR));
                    files.put(INT8_PER_ROW, export(model, folder.resolve("int8-per-row"), ExportOptions.int8().withForce(true)
                            .withQuantization(Int8Quantization.defaults().withOp(QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW)), result, INT8_PER_ROW));
                    files.put(INT8_FUSED, export(model, folder.resolve("int8-dynamic-quantize-matmul"), ExportOptions.int8().withForce(true)
                            .withQuantization(Int8Quantization.defaults().withOp(QuantizedMatMulOp.DYNAMIC_QUANTIZE_MATMUL)), result, INT8_FUSED));
                }
            }
            Map<String, Function<List<String>, float[][]>> contenders = new LinkedHashMap<>();
            JsonObject sizes = new JsonObject();
            for (Map.Entry<String, Path> file : files.entrySet()) {
                OnnxEncoder encoder = OnnxEncoder.builder(file.getValue()).batchSize(batchSize).build();
                encoders.add(encoder);
                contenders.put(file.getKey(), encoder::encode);
                sizes.addProperty(file.getKey(), Files.size(file.getValue()));
            }
            result.add("sample_cosine_vs_fp32", sampleCosines(contenders));
            if (langChain4j) {
                addLangChain4j(contenders, sizes, folder, result);
            }
            result.add("file_bytes", sizes);

            Map<String, StsPairs.Encoded> stsB = sts.encodeEach(contenders);
            JsonObject spearman = sts.spearman(stsB);
            result.add("spearman_sts_b_en_dev", spearman);
            System.out.println("Spearman on " + STS_B_EN_DEV + ": " + spearman);
            result.add("sts_cosine_vs_own_fp32", cosinesToOwnFp32(stsB));
            result.add("spearman_delta_bootstrap", bootstrap(STS_B_EN_DEV, sts, stsB, langChain4j));
            stsB.clear();
            Map<String, StsPairs.Encoded> sickTrial = sick.encodeEach(contenders);
            JsonObject spearmanSick = sick.spearman(sickTrial);
            result.add("spearman_sick_en_trial", spearmanSick);
            System.out.println("Spearman on " + SICK_EN_TRIAL + ": " + spearmanSick);
            result.add("spearman_delta_bootstrap_sick", bootstrap(SICK_EN_TRIAL, sick, sickTrial, langChain4j));

            Map<String, List<Double>> rates = new LinkedHashMap<>();
            contenders.keySet().forEach(name -> rates.put(name, new ArrayList<>()));
            List<Double> ratioFp32 = new ArrayList<>();
            List<Double> ratioLangChain4jQ = new ArrayList<>();
            List<Double> ratioOps = new ArrayList<>();
            List<Double> ratioPerTensor = new ArrayList<>();
            List<Double> ratioPerRow = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (Map.Entry<String, Function<List<String>, float[][]>> contender : contenders.entrySet()) {
                    long start = System.nanoTime();
                    int encoded = contender.getValue().apply(texts).length;
                    double rate = encoded / ((System.nanoTime() - start) / 1e9);
                    rates.get(contender.getKey()).add(rate);
                    line.append(String.format(Locale.ROOT, " %s %.1f", contender.getKey(), rate));
                }
                int last = round - 1;
                ratioFp32.add(rates.get(INT8).get(last) / rates.get(FP32).get(last));
                if (langChain4j) {
                    ratioLangChain4jQ.add(rates.get(INT8).get(last) / rates.get(LANGCHAIN4J_Q).get(last));
                }
                if (compareOps) {
                    ratioOps.add(rates.get(INT8).get(last) / rates.get(INT8_FUSED).get(last));
                    ratioPerTensor.add(rates.get(INT8).get(last) / rates.get(INT8_PER_TENSOR).get(last));
                    ratioPerRow.add(rates.get(INT8).get(last) / rates.get(INT8_PER_ROW).get(last));
                }
                System.out.println(line + " sentences/s");
            }
            rates.forEach((name, values) -> result.add("sentences_per_s_" + name, Stats.of(values).toJson()));
            result.add("int8_ratio_vs_fp32", Stats.of(ratioFp32).toJson());
            if (compareOps) {
                result.add("int8_ratio_vs_dynamic_quantize_matmul", Stats.of(ratioOps).toJson());
                result.add("int8_ratio_vs_per_tensor", Stats.of(ratioPerTensor).toJson());
                result.add("int8_ratio_vs_per_row", Stats.of(ratioPerRow).toJson());
            }
            result.addProperty("int8_spearman_delta", delta(spearman, INT8, FP32));
            result.addProperty("int8_spearman_delta_sick", delta(spearmanSick, INT8, FP32));
            if (langChain4j) {
                result.add("int8_ratio_vs_langchain4j_q", Stats.of(ratioLangChain4jQ).toJson());
                result.addProperty("langchain4j_q_spearman_delta", delta(spearman, LANGCHAIN4J_Q, LANGCHAIN4J));
                result.addProperty("langchain4j_q_spearman_delta_sick", delta(spearmanSick, LANGCHAIN4J_Q, LANGCHAIN4J));
            }
        } finally {
            encoders.forEach(OnnxEncoder::close);
            StsTrainingRun.delete(folder);
        }
        result.addProperty("model", modelId);
        result.addProperty("int8_default_activations", Int8Quantization.defaults().op().name().toLowerCase(Locale.ROOT));
        result.addProperty("texts", texts.size());
        result.addProperty("sts_pairs", sts.gold().length);
        result.addProperty("sick_pairs", sick.gold().length);
        result.addProperty("batch", batchSize);
        result.add("engine_threads", Machine.engineThreads());
        JsonFiles.write(settings.path("out"), result);
        System.out.println(result);
    }

    /** LangChain4j's all-MiniLM-L6-v2 jars (quantized and float) as contenders, with their file sizes and how theirs is quantized. */
    private static void addLangChain4j(Map<String, Function<List<String>, float[][]>> contenders, JsonObject sizes, Path folder,
            JsonObject result) throws IOException {
        contenders.put(LANGCHAIN4J_Q, LangChain4jTextEncoder.of(new AllMiniLmL6V2QuantizedEmbeddingModel())::encode);
        contenders.put(LANGCHAIN4J, LangChain4jTextEncoder.of(new AllMiniLmL6V2EmbeddingModel())::encode);
        sizes.addProperty(LANGCHAIN4J_Q, resourceBytes(AllMiniLmL6V2QuantizedEmbeddingModel.class, "/all-minilm-l6-v2-q.onnx"));
        sizes.addProperty(LANGCHAIN4J, resourceBytes(AllMiniLmL6V2EmbeddingModel.class, "/all-minilm-l6-v2.onnx"));
        Path theirs = folder.resolve("langchain4j-q.onnx");
        try (InputStream in = LangChain4jTextEncoder.resource(AllMiniLmL6V2QuantizedEmbeddingModel.class, "/all-minilm-l6-v2-q.onnx")) {
            Files.copy(in, theirs);
        }
        result.addProperty("langchain4j_q_quantization", OnnxModelDescription.of(theirs).quantization());
    }

    /** The smallest and mean cosine of each int8 export's vectors to the fp32 export's on the export check's built-in texts. */
    private static JsonObject sampleCosines(Map<String, Function<List<String>, float[][]>> encoders) {
        float[][] reference = encoders.get(FP32).apply(ExportOptions.DEFAULT_SAMPLE_TEXTS);
        JsonObject cosines = new JsonObject();
        encoders.forEach((name, encode) -> cosines.add(name, cosineSummary(encode.apply(ExportOptions.DEFAULT_SAMPLE_TEXTS), reference)));
        System.out.println("cosine to fp32 on the built-in texts: " + cosines);
        return cosines;
    }

    /**
     * For each quantized contender, the cosine of its vector of each sentence of both sides of the STS pairs to the vector
     * of the float32 model of its own family: ours for our int8 exports, LangChain4j's for LangChain4j-q.
     */
    private static JsonObject cosinesToOwnFp32(Map<String, StsPairs.Encoded> encoded) {
        JsonObject cosines = new JsonObject();
        encoded.forEach((name, vectors) -> {
            if (!name.equals(FP32) && !name.equals(LANGCHAIN4J)) {
                StsPairs.Encoded reference = encoded.get(name.startsWith("langchain4j") ? LANGCHAIN4J : FP32);
                cosines.add(name, cosineSummary(vectors.sentences(), reference.sentences()));
            }
        });
        System.out.println("cosine to its own fp32 on the STS sentences: " + cosines);
        return cosines;
    }

    /** {@code {min, mean, mean_one_minus}} of the cosine of each vector to the reference vector of the same text. */
    private static JsonObject cosineSummary(float[][] vectors, float[][] reference) {
        double smallest = Double.MAX_VALUE;
        double sum = 0;
        double sumOneMinus = 0;
        for (int i = 0; i < vectors.length; i++) {
            double cosine = Vectors.cosine(vectors[i], reference[i]);
            smallest = Math.min(smallest, cosine);
            sum += cosine;
            sumOneMinus += 1 - cosine;
        }
        JsonObject summary = new JsonObject();
        summary.addProperty("min", smallest);
        summary.addProperty("mean", sum / vectors.length);
        summary.addProperty("mean_one_minus", sumOneMinus / vectors.length);
        return summary;
    }

    /**
     * A paired bootstrap of the Spearman deltas on the STS pairs ({@link PairedBootstrap}): int8 − fp32, LangChain4j-q −
     * LangChain4j and their difference on each resample; the 2.5 and 97.5 percentiles of each, and how often ours is at
     * least theirs.
     */
    private static JsonObject bootstrap(String file, StsPairs sts, Map<String, StsPairs.Encoded> encoded, boolean langChain4j) {
        List<String> names = langChain4j ? List.of(INT8, FP32, LANGCHAIN4J_Q, LANGCHAIN4J) : List.of(INT8, FP32);
        double[][] spearman = PairedBootstrap.spearman(sts.gold(), names.stream().map(name -> encoded.get(name).cosines()).toList(),
                BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
        double[] ours = new double[spearman.length];
        double[] theirs = new double[spearman.length];
        double[] difference = new double[spearman.length];
        int atLeastTheirs = 0;
        for (int r = 0; r < spearman.length; r++) {
            ours[r] = spearman[r][0] - spearman[r][1];
            if (langChain4j) {
                theirs[r] = spearman[r][2] - spearman[r][3];
                difference[r] = ours[r] - theirs[r];
                atLeastTheirs += difference[r] >= 0 ? 1 : 0;
            }
        }
        JsonObject json = new JsonObject();
        json.add("int8", interval(ours));
        if (langChain4j) {
            json.add("langchain4j_q", interval(theirs));
            JsonObject oursMinusTheirs = interval(difference);
            oursMinusTheirs.addProperty("share_at_least_zero", atLeastTheirs / (double) spearman.length);
            json.add("int8_minus_langchain4j_q", oursMinusTheirs);
        }
        json.addProperty("resamples", BOOTSTRAP_RESAMPLES);
        json.addProperty("seed", BOOTSTRAP_SEED);
        System.out.println("paired bootstrap of the Spearman deltas on " + file + ": " + json);
        return json;
    }

    /** {@code {median, low, high}}: the 50th, 2.5th and 97.5th percentiles. */
    private static JsonObject interval(double[] values) {
        JsonObject json = new JsonObject();
        json.addProperty("median", PairedBootstrap.percentile(values, 50));
        json.addProperty("low", PairedBootstrap.percentile(values, 2.5));
        json.addProperty("high", PairedBootstrap.percentile(values, 97.5));
        return json;
    }

    private static double delta(JsonObject spearman, String name, String reference) {
        return spearman.get(name).getAsDouble() - spearman.get(reference).getAsDouble();
    }

    private static Path export(AutoModelForEmbedding model, Path folder, ExportOptions options, JsonObject result, String name) {
        ExportReport report = OnnxExporter.export(model, folder, options);
        System.out.println(name + ": " + report);
        if (!Double.isNaN(report.minCosine())) {
            result.addProperty("export_min_cosine_" + name, report.minCosine());
        }
        if (report.planSearch() != null) {
            System.out.println(report.planSearch().table());
            result.add("matmul_plan_" + name, report.planSearch().toJson());
        }
        return report.onnxFile();
    }

    private static long resourceBytes(Class<?> owner, String resource) throws IOException {
        try (InputStream in = LangChain4jTextEncoder.resource(owner, resource)) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
