package dev.retrievals.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxTensor;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.onnx.ExportOptions;
import dev.retrievals.onnx.Int8Quantization;
import dev.retrievals.onnx.QuantizedMatMulOp;
import dev.retrievals.onnx.Int8Weights;
import dev.retrievals.onnx.OnnxEncoder;
import dev.retrievals.onnx.OnnxExporter;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How far the Spearman correlation of an int8 all-MiniLM-L6-v2 moves on {@code sts-b-en/dev} (and {@code sick-en/trial})
 * only because of which way its weights happen to round. For our int8 export ({@link ExportOptions#int8()}: 8-bit weights,
 * the mixed MatMul plan) and for LangChain4j's all-minilm-l6-v2-q (7-bit weights, ONNX Runtime's {@code quantize_dynamic}),
 * it writes {@code variants} copies of the quantized file in which every int8 MatMul weight ({@link QuantizedMatMulWeight})
 * is quantized again from the family's own float32 weights with each column's scale grown by a factor {@code 1 + ε},
 * {@code ε ~ U(0, jitter)} ({@link RoundingJitter}): no value saturates, many values round the other way, and the fidelity
 * stays about the same (each variant's mean cosine to its family's float32 vectors is reported to show it). Everything else
 * of the file (activations, graph) is left as it is, and so are the embedding tables unless {@code tables} is true: then
 * every uint8 table of a {@code quantize_dynamic} graph (LangChain4j-q's word, position and token-type embeddings) is quantized
 * again from its float table with its one scale grown the same way ({@link Uint8TableJitter}).
 *
 * <p>Before perturbing, each scale is checked to be {@code max|W_col| / limit} of the float weight (127 ours, 64 theirs),
 * and a control written through the same path with ε = 0 must give the base file's Spearman; LangChain4j-q is encoded both
 * through its jar class and from the file through {@link LangChain4jTextEncoder}, which the variants use.
 *
 * <p>Settings: {@code variants} (16), {@code seed} (1), {@code jitter} (0.02), {@code batch} (32, our encoder's batch),
 * {@code out} (the JSON result, required); our export's quantization: {@code activations} (mixed, per_tensor or per_row),
 * {@code reduce_range} (false), {@code int8_embeddings} (true); {@code theirs} (true: also LangChain4j-q); {@code tables}
 * (false: true also jitters uint8 embedding tables); {@code uint8_tables} (none: comma-separated float tables of our export
 * to store as LangChain4j-q stores its tables, {@link PerTensorUint8Tables}, e.g. {@code embeddings.position_embeddings.weight}). About 5 minutes
 * on 2 cores with the defaults.
 *
 * <p>Measured (2026-12-01, 16 variants, jitter 0.02; jitter 0.1 alike): on sts-b-en/dev the variants' Spearman deltas to
 * float32 spread with an sd of 0.0005 (ours: mean −0.0010, range −0.0019 to −0.0002, our file −0.0010) and 0.0004
 * (LangChain4j-q: mean 0.0000, range −0.0007 to +0.0007, their file +0.0009, above every variant), at unchanged fidelity.
 * With {@code tables=true} LangChain4j-q's variants give +0.0004 ± 0.0003 (their file above 15 of 16); ours with
 * {@code activations=per_tensor reduce_range=true} −0.0010 ± 0.0005, with {@code int8_embeddings=false} −0.0009 ± 0.0003,
 * with its position and token-type tables uint8 per tensor ({@code uint8_tables}, {@code tables=true}) −0.0006 ± 0.0005
 * (SICK −0.0022 ± 0.0013), and with LangChain4j-q's whole scheme (also 7-bit, per tensor, float word table made uint8)
 * −0.0001 ± 0.0006 (SICK −0.0013 ± 0.0007) at mean cosine 0.9913.
 */
public final class Int8RoundingLuckProbe {
    private static final String MODEL = "all-MiniLM-L6-v2";
    private static final String STS_B_EN_DEV = "sts-b-en/dev.jsonl";
    private static final String SICK_EN_TRIAL = "sick-en/trial.jsonl";
    private static final String THEIR_INT8 = "/all-minilm-l6-v2-q.onnx";
    private static final String THEIR_TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final String THEIR_FP32 = "/all-minilm-l6-v2.onnx";

    private final StsPairs sts;
    private final StsPairs sick;
    private final int variants;
    private final long seed;
    private final double jitter;
    private final boolean tables;

    private Int8RoundingLuckProbe(StsPairs sts, StsPairs sick, int variants, long seed, double jitter, boolean tables) {
        this.sts = sts;
        this.sick = sick;
        this.variants = variants;
        this.seed = seed;
        this.jitter = jitter;
        this.tables = tables;
    }

    /** Entry point; see the class comment for the settings. */
    public static void main(String[] args) throws Exception {
        BenchArgs settings = BenchArgs.parse("Int8RoundingLuckProbe", args).allow("variants", "seed", "jitter", "batch", "out",
                "activations", "reduce_range", "int8_embeddings", "theirs", "tables", "uint8_tables");
        String uint8Tables = settings.string("uint8_tables", "");
        Int8Quantization quantization = Int8Quantization.defaults().withOp(op(settings.string("activations", "mixed")))
                .withReduceRange(Boolean.parseBoolean(settings.string("reduce_range", "false")))
                .withEmbeddings(Boolean.parseBoolean(settings.string("int8_embeddings", "true")));
        boolean withTheirs = Boolean.parseBoolean(settings.string("theirs", "true"));
        Path out = settings.path("out");
        int batch = settings.integer("batch", 32);
        Int8RoundingLuckProbe probe = new Int8RoundingLuckProbe(StsPairs.read(STS_B_EN_DEV, 0), StsPairs.read(SICK_EN_TRIAL, 0),
                settings.integer("variants", 16), settings.integer("seed", 1), settings.decimal("jitter", 0.02),
                Boolean.parseBoolean(settings.string("tables", "false")));
        JsonObject result = new JsonObject();
        Path folder = StsTrainingRun.temporaryFolder();
        try {
            Path fp32;
            Path int8;
            try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained(MODEL)) {
                fp32 = OnnxExporter.export(model, folder.resolve("fp32"), ExportOptions.defaults()).onnxFile();
                int8 = OnnxExporter.export(model, folder.resolve("int8"), ExportOptions.int8().withQuantization(quantization).withForce(true))
                        .onnxFile();
            }
            if (!uint8Tables.isEmpty()) {
                Path converted = int8.resolveSibling("tables.onnx");
                PerTensorUint8Tables.apply(OnnxModel.read(int8), java.util.Set.of(uint8Tables.split(","))).write(converted);
                int8 = converted;
            }
            JsonObject ours = new JsonObject();
            try (TextEncoder reference = OnnxEncoder.builder(fp32).batchSize(batch).quiet().build();
                    TextEncoder base = OnnxEncoder.builder(int8).batchSize(batch).quiet().build()) {
                probe.family(ours, reference, base, OnnxModel.read(int8), OnnxModel.read(fp32), quantization.weightLimit(),
                        file -> OnnxEncoder.builder(file).batchSize(batch).quiet().build(), int8.resolveSibling("variant.onnx"));
            }
            ours.addProperty("activations", quantization.op().name().toLowerCase(Locale.ROOT));
            ours.addProperty("weight_limit", quantization.weightLimit());
            ours.addProperty("int8_embeddings", quantization.embeddings());
            ours.addProperty("uint8_tables", uint8Tables);
            result.add("retrievals_int8", ours);
            if (withTheirs) {
                theirs(probe, folder, result, ours);
            }
        } finally {
            StsTrainingRun.delete(folder);
        }
        result.addProperty("model", MODEL);
        result.addProperty("variants", probe.variants);
        result.addProperty("seed", probe.seed);
        result.addProperty("jitter", probe.jitter);
        result.addProperty("sts_pairs", probe.sts.gold().length);
        result.addProperty("sick_pairs", probe.sick.gold().length);
        result.add("engine_threads", Machine.engineThreads());
        JsonFiles.write(out, result);
        System.out.println(result);
    }

    /** LangChain4j-q's family (from its jar's files), and the comparison of the two families. */
    private static void theirs(Int8RoundingLuckProbe probe, Path folder, JsonObject result, JsonObject ours) throws Exception {
        JsonObject theirs = new JsonObject();
        Path theirFile = folder.resolve("langchain4j-q.onnx");
        try (InputStream in = LangChain4jTextEncoder.resource(AllMiniLmL6V2QuantizedEmbeddingModel.class, THEIR_INT8)) {
            Files.copy(in, theirFile);
        }
        try (TextEncoder reference = LangChain4jTextEncoder.of(new AllMiniLmL6V2EmbeddingModel());
                TextEncoder jar = LangChain4jTextEncoder.of(new AllMiniLmL6V2QuantizedEmbeddingModel());
                TextEncoder base = openTheirs(theirFile);
                InputStream floats = LangChain4jTextEncoder.resource(AllMiniLmL6V2EmbeddingModel.class, THEIR_FP32)) {
            probe.checkSameVectors(theirs, jar, base);
            probe.family(theirs, reference, base, OnnxModel.read(theirFile), OnnxModel.read(floats, THEIR_FP32),
                    Int8Weights.REDUCED_RANGE_LIMIT, Int8RoundingLuckProbe::openTheirs, folder.resolve("langchain4j-q-variant.onnx"));
        }
        result.add("langchain4j_q", theirs);
        result.add("comparison", compare(ours, theirs));
    }

    /** The MatMul form of an {@code activations} setting. */
    private static QuantizedMatMulOp op(String activations) {
        return switch (activations) {
            case "mixed" -> QuantizedMatMulOp.MIXED;
            case "per_tensor" -> QuantizedMatMulOp.MATMUL_INTEGER;
            case "per_row" -> QuantizedMatMulOp.MATMUL_INTEGER_PER_ROW;
            default -> throw new IllegalArgumentException("activations is '" + activations + "'; expected mixed, per_tensor or per_row");
        };
    }

    /**
     * One family: Spearman of its float32 model and of its int8 file, then a control (the int8 weights quantized again from
     * the float weights with the file's own scales, which must reproduce the file) and the variants, each with its Spearman,
     * its delta to float32, its mean cosine to the float32 vectors of the STS-B sentences and the share of int8 values that
     * changed.
     */
    private void family(JsonObject json, TextEncoder reference, TextEncoder base, OnnxModel quantized, OnnxModel floats, int limit,
            Opener open, Path variantFile) throws Exception {
        Scores fp32 = score(reference, null);
        Scores int8 = score(base, fp32);
        json.add("fp32", fp32.toJson(null));
        json.add("base", int8.toJson(fp32));
        List<Target> targets = targets(quantized, floats, limit, json);
        List<Uint8TableJitter> tableTargets = tables ? Uint8TableJitter.of(quantized.graph(), floats.graph()) : List.of();
        json.addProperty("uint8_tables_jittered", tableTargets.size());
        System.out.printf(Locale.ROOT, "%d int8 MatMul weights; fp32 %s; base %s%n", targets.size(), fp32.toJson(null), int8.toJson(fp32));

        Scores control = variant(quantized, targets, tableTargets, new SplittableRandom(seed), 0, open, variantFile, fp32, null);
        json.add("control", control.toJson(fp32));
        if (control.sts != int8.sts || control.sick != int8.sick) {
            throw new IllegalStateException("the control (weights quantized again with their own scales) gives Spearman " + control.sts
                    + " / " + control.sick + ", the int8 file " + int8.sts + " / " + int8.sick + ": the rewrite does not reproduce the file");
        }
        SplittableRandom root = new SplittableRandom(seed);
        JsonArray list = new JsonArray();
        double[] stsDeltas = new double[variants];
        double[] sickDeltas = new double[variants];
        double[] cosines = new double[variants];
        double[] changedShares = new double[variants];
        for (int v = 0; v < variants; v++) {
            double[] changed = new double[1];
            long start = System.nanoTime();
            Scores scores = variant(quantized, targets, tableTargets, root.split(), jitter, open, variantFile, fp32, changed);
            JsonObject row = scores.toJson(fp32);
            row.addProperty("changed_values", changed[0]);
            list.add(row);
            stsDeltas[v] = scores.sts - fp32.sts;
            sickDeltas[v] = scores.sick - fp32.sick;
            cosines[v] = scores.meanCosine;
            changedShares[v] = changed[0];
            System.out.printf(Locale.ROOT, "variant %d (%.0f s): %s%n", v + 1, (System.nanoTime() - start) / 1e9, row);
        }
        json.add("variants", list);
        json.add("sts_b_en_dev_delta", summary(stsDeltas, int8.sts - fp32.sts));
        json.add("sick_en_trial_delta", summary(sickDeltas, int8.sick - fp32.sick));
        json.add("mean_cosine_to_fp32", summary(cosines, int8.meanCosine));
        json.add("changed_values", summary(changedShares, 0));
    }

    /** The family's int8 MatMul weights with their float weights, after checking the scales and the stored values against them. */
    private static List<Target> targets(OnnxModel quantized, OnnxModel floats, int limit, JsonObject json) {
        List<Target> targets = new ArrayList<>();
        double worstScale = 0;
        long reproduced = 0;
        long total = 0;
        int largest = 0;
        for (QuantizedMatMulWeight weight : QuantizedMatMulWeight.of(quantized.graph())) {
            OnnxTensor matrix = floats.graph().initializer(weight.floatName())
                    .filter(t -> t.dataType() == OnnxDataType.FLOAT && Arrays.equals(t.dims(), new long[] {weight.rows(), weight.columns()}))
                    .orElseThrow(() -> new IllegalStateException("the float model has no FLOAT initializer '" + weight.floatName() + "' ["
                            + weight.rows() + ", " + weight.columns() + "] for int8 weight '" + weight.values() + "'"));
            float[] w = matrix.toFloatArray();
            float[] scales = quantized.graph().initializer(weight.scales()).orElseThrow().toFloatArray();
            float[] absMax = new float[weight.columns()];
            for (int i = 0; i < w.length; i++) {
                absMax[i % absMax.length] = Math.max(absMax[i % absMax.length], Math.abs(w[i]));
            }
            for (int j = 0; j < absMax.length; j++) {
                double relative = Math.abs(scales[j] - absMax[j] / limit) / (absMax[j] / limit);
                if (!(relative < 1e-5)) {
                    throw new IllegalStateException("int8 weight '" + weight.values() + "' column " + j + ": scale " + scales[j]
                            + " is not max|W_col| / " + limit + " = " + absMax[j] / limit + " of float weight '" + weight.floatName() + "'");
                }
                worstScale = Math.max(worstScale, relative);
            }
            byte[] stored = bytes(quantized.graph().initializer(weight.values()).orElseThrow());
            byte[] again = RoundingJitter.requantize(w, weight.rows(), weight.columns(), scales, new double[weight.columns()], limit).values();
            for (int i = 0; i < stored.length; i++) {
                reproduced += stored[i] == again[i] ? 1 : 0;
                largest = Math.max(largest, Math.abs(stored[i]));
            }
            total += stored.length;
            targets.add(new Target(weight, w, scales, stored, limit));
        }
        if (targets.isEmpty() || largest > limit) {
            throw new IllegalStateException(targets.isEmpty() ? "the int8 model has no int8 MatMul weights"
                    : "an int8 weight reaches |" + largest + "|, beyond the limit " + limit);
        }
        JsonObject check = new JsonObject();
        check.addProperty("int8_matmul_weights", targets.size());
        check.addProperty("limit", limit);
        check.addProperty("largest_abs_value", largest);
        check.addProperty("scale_max_relative_difference_to_absmax_over_limit", worstScale);
        check.addProperty("stored_values_reproduced_share", reproduced / (double) total);
        json.add("weights", check);
        return targets;
    }

    /**
     * Writes the int8 model with every target quantized again, each column's scale grown by {@code U(0, spread)} drawn from
     * {@code random} (weights and columns in graph order, then each uint8 table's one scale), and scores it; {@code changed[0]} receives the share of values that
     * differ from the file's (when not null).
     */
    private Scores variant(OnnxModel quantized, List<Target> targets, List<Uint8TableJitter> tableTargets, SplittableRandom random,
            double spread, Opener open, Path file, Scores fp32, double[] changed) throws Exception {
        Map<String, OnnxTensor> replaced = new HashMap<>();
        long differ = 0;
        long total = 0;
        for (Target target : targets) {
            QuantizedMatMulWeight weight = target.weight;
            double[] growth = new double[weight.columns()];
            for (int j = 0; j < growth.length; j++) {
                growth[j] = random.nextDouble() * spread;
            }
            Int8Weights q = RoundingJitter.requantize(target.matrix, weight.rows(), weight.columns(), target.scales, growth, target.limit);
            for (int i = 0; i < q.values().length; i++) {
                differ += q.values()[i] != target.stored[i] ? 1 : 0;
            }
            total += q.values().length;
            replaced.put(weight.values(), OnnxTensor.of(weight.values(), OnnxDataType.INT8, new long[] {weight.rows(), weight.columns()},
                    ByteBuffer.wrap(q.values())));
            replaced.put(weight.scales(), OnnxTensor.ofFloats(weight.scales(), new long[] {weight.columns()}, q.scales()));
        }
        for (Uint8TableJitter table : tableTargets) {
            table.replace(random.nextDouble() * spread, replaced);
        }
        OnnxGraph graph = quantized.graph();
        OnnxGraph rewritten = new OnnxGraph(graph.name(), graph.nodes(),
                graph.initializers().stream().map(tensor -> replaced.getOrDefault(tensor.name(), tensor)).toList(), graph.inputs(),
                graph.outputs());
        quantized.withGraph(rewritten).write(file);
        if (changed != null) {
            changed[0] = differ / (double) total;
        }
        try (TextEncoder encoder = open.open(file)) {
            return score(encoder, fp32);
        }
    }

    /** Fails unless two encoders give the same vectors of the STS-B dev sentences; records the largest difference. */
    private void checkSameVectors(JsonObject json, TextEncoder jar, TextEncoder file) {
        float[][] a = jar.encode(sts.first());
        float[][] b = file.encode(sts.first());
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                largest = Math.max(largest, Math.abs(a[i][k] - b[i][k]));
            }
        }
        json.addProperty("file_vs_jar_max_abs_difference", largest);
        System.out.println("LangChain4j-q from its file vs from its jar class: largest |difference| " + largest);
    }

    /** Spearman on both datasets and, against {@code reference} (when given), the mean cosine over the STS-B sentences. */
    private Scores score(TextEncoder encoder, Scores reference) {
        float[][] first = encoder.encode(sts.first());
        float[][] second = encoder.encode(sts.second());
        double stsSpearman = sts.spearman(sts.encoded(first, second));
        double sickSpearman = sick.spearman(sick.encode(encoder::encode));
        double mean = Double.NaN;
        if (reference != null) {
            double sum = 0;
            for (int i = 0; i < first.length; i++) {
                sum += Vectors.cosine(first[i], reference.first[i]) + Vectors.cosine(second[i], reference.second[i]);
            }
            mean = sum / (2.0 * first.length);
        }
        return new Scores(stsSpearman, sickSpearman, mean, first, second);
    }

    /** {@code {values, mean, sd, min, max, base, base_share_at_most}}: sd with n − 1; the share of the values at most the base's. */
    private static JsonObject summary(double[] values, double base) {
        double mean = Arrays.stream(values).average().orElse(Double.NaN);
        double squares = Arrays.stream(values).map(x -> (x - mean) * (x - mean)).sum();
        JsonObject json = new JsonObject();
        JsonArray list = new JsonArray();
        Arrays.stream(values).forEach(list::add);
        json.add("values", list);
        json.addProperty("mean", mean);
        json.addProperty("sd", values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : Double.NaN);
        json.addProperty("min", Arrays.stream(values).min().orElse(Double.NaN));
        json.addProperty("max", Arrays.stream(values).max().orElse(Double.NaN));
        json.addProperty("base", base);
        json.addProperty("base_share_at_most", Arrays.stream(values).filter(x -> x <= base).count() / (double) values.length);
        return json;
    }

    /**
     * The gap between the families' base deltas on STS-B dev (theirs − ours) against the spread rounding alone gives: the sd
     * of the difference of one variant of each, {@code sqrt(sd_ours² + sd_theirs²)}, and the gap in those units.
     */
    private static JsonObject compare(JsonObject ours, JsonObject theirs) {
        JsonObject json = new JsonObject();
        for (String key : List.of("sts_b_en_dev_delta", "sick_en_trial_delta")) {
            JsonObject a = ours.getAsJsonObject(key);
            JsonObject b = theirs.getAsJsonObject(key);
            double gap = b.get("base").getAsDouble() - a.get("base").getAsDouble();
            double sd = Math.hypot(a.get("sd").getAsDouble(), b.get("sd").getAsDouble());
            JsonObject row = new JsonObject();
            row.addProperty("theirs_minus_ours", gap);
            row.addProperty("rounding_sd_of_the_difference", sd);
            row.addProperty("gap_in_sd", gap / sd);
            row.addProperty("variant_means_theirs_minus_ours", b.get("mean").getAsDouble() - a.get("mean").getAsDouble());
            json.add(key, row);
        }
        return json;
    }

    private static TextEncoder openTheirs(Path file) throws IOException {
        try (InputStream tokenizer = LangChain4jTextEncoder.resource(AllMiniLmL6V2QuantizedEmbeddingModel.class, THEIR_TOKENIZER)) {
            return LangChain4jTextEncoder.open(file, tokenizer);
        }
    }

    private static byte[] bytes(OnnxTensor tensor) {
        byte[] values = new byte[Math.toIntExact(tensor.elementCount())];
        tensor.data().get(values);
        return values;
    }

    /** Opens an encoder on a written model file. */
    private interface Opener {
        TextEncoder open(Path file) throws IOException;
    }

    /** One int8 weight to quantize again: its float matrix, its file's scales and values, and the family's limit. */
    private record Target(QuantizedMatMulWeight weight, float[] matrix, float[] scales, byte[] stored, int limit) {}

    /** An encoder's Spearman on both datasets, its mean cosine to the float32 vectors, and its STS-B dev vectors. */
    private record Scores(double sts, double sick, double meanCosine, float[][] first, float[][] second) {
        JsonObject toJson(Scores reference) {
            JsonObject json = new JsonObject();
            json.addProperty("spearman_sts_b_en_dev", sts);
            json.addProperty("spearman_sick_en_trial", sick);
            if (reference != null) {
                json.addProperty("delta_sts_b_en_dev", sts - reference.sts);
                json.addProperty("delta_sick_en_trial", sick - reference.sick);
                json.addProperty("mean_cosine_to_fp32", meanCosine);
            }
            return json;
        }
    }
}
