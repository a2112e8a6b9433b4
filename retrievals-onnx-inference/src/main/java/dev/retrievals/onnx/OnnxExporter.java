package dev.retrievals.onnx;

import dev.retrievals.core.collator.TokenizerVocabulary;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxValueInfo;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.model.TrainableModel;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.TransformerConfig;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a model to ONNX with pooling and L2 normalisation inside the graph, so a serving stack
 * needs only ONNX Runtime and the tokenizer.
 *
 * <p>The folder gets everything {@link AutoModelForEmbedding#save} writes (config, safetensors,
 * tokenizer and sentence-transformers files, so it loads back for training) plus {@code model.onnx}
 * (opset {@value #OPSET}): inputs {@code input_ids}, {@code attention_mask} and, when the
 * architecture reads them, {@code token_type_ids} (INT64, {@code [batch, sequence]}, both axes
 * dynamic); outputs {@code last_hidden_state} {@code [batch, sequence, hidden]} (first, as
 * LangChain4j and other runtimes expect) and {@code sentence_embedding} {@code [batch, hidden]}.
 * The graph comes from the architecture's single definition ({@code lastHiddenState} over
 * {@link OnnxExportOps}), so every architecture exports.
 *
 * <p>The ONNX file is written under a temporary name, checked in ONNX Runtime against the PyTorch
 * model on sample texts, and only then moved to {@code model.onnx}; a check that exceeds the
 * bounds fails the export and leaves no {@code model.onnx} (unless the options {@code force} it,
 * which writes it with a warning). The report is logged and saved beside the model as
 * {@value ExportReport#FILE_NAME}.
 *
 * <p>Precision {@link ExportPrecision#INT8} writes the same graph with its MatMul weights quantized
 * ({@link Int8MatMulQuantizer}); its check is a cosine gate (by default every sample at least
 * {@value ExportOptions#INT8_MIN_COSINE}) and, with an evaluator in the options, both models'
 * scores are reported.
 */
public final class OnnxExporter {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);
    /** The ONNX operator set of exported graphs (17 brings LayerNormalization). */
    public static final int OPSET = 17;
    /** The ONNX IR version of exported files. */
    public static final int IR_VERSION = 8;
    /** The name of the exported file inside the folder. */
    public static final String FILE_NAME = "model.onnx";
    static final String META_POOLING = "retrievals.pooling";
    static final String META_NORMALIZE = "retrievals.normalize";
    static final String META_MAX_LENGTH = "retrievals.max_length";
    static final String META_PAD_TOKEN_ID = "retrievals.pad_token_id";
    static final String META_MODEL_TYPE = "retrievals.model_type";
    static final String META_WEIGHTS = "retrievals.weights";
    /**
     * The batch size of the check's ONNX encoder (up to 32 sample texts run as one padded batch), also
     * {@link OnnxEncoder}'s default, so an evaluation in the check sees the batches a user's encoder sees.
     */
    private static final int CHECK_BATCH_SIZE = OnnxEncoder.BATCH_SIZE.defaultValue();

    private OnnxExporter() {}

    /**
     * Writes the model to {@code folder} (created, or replaced if it holds a model) and checks the
     * ONNX file against the PyTorch model. A model in training mode is exported (and checked) in
     * evaluation mode and then put back into training mode.
     *
     * <p>The check compares with the model as it computes: a model loaded in FP16 computes in half
     * precision while the graph computes in float32, so loosen the bounds for it.
     *
     * @throws RetrievalsException when the pooling or an op has no ONNX form, the tokenizer does
     *     not fit the vocabulary, writing fails, or the check exceeds the bounds of {@code options}
     */
    public static ExportReport export(AutoModelForEmbedding model, Path folder, ExportOptions options) {
        return export(model, folder, options, UnaryOperator.identity());
    }

    /** As {@link #export(AutoModelForEmbedding, Path, ExportOptions)}, passing int8 weights through {@code tamper} (for tests). */
    static ExportReport export(AutoModelForEmbedding model, Path folder, ExportOptions options, UnaryOperator<Int8Weights> tamper) {
        return inEvaluationMode(model, () -> exportInEvaluationMode(model, folder, options, tamper));
    }

    /** Runs an export with the model in evaluation mode, and puts a training model back into training mode afterwards. */
    static ExportReport inEvaluationMode(TrainableModel model, Supplier<ExportReport> export) {
        boolean training = model.isTraining();
        if (training) {
            LOG.info("Exporting in evaluation mode (no dropout); the model returns to training mode afterwards");
            model.eval();
        }
        try {
            return export.get();
        } finally {
            if (training) {
                model.train();
            }
        }
    }

    private static ExportReport exportInEvaluationMode(AutoModelForEmbedding model, Path folder, ExportOptions options,
            UnaryOperator<Int8Weights> tamper) {
        if (!OnnxPoolingGraph.SUPPORTED.contains(model.poolingName())) {
            throw new RetrievalsException("Pooling '" + model.poolingName() + "' has no ONNX form; the exporter supports "
                    + OnnxPoolingGraph.SUPPORTED);
        }
        byte[] tokenizerJson = model.tokenizerFiles().get("tokenizer.json");
        TokenizerVocabulary.checkFits(tokenizerJson, "the model's tokenizer.json", model.config().vocabSize(),
                "the model (config vocab_size)");
        OnnxModel floatGraph = floatGraph(model, options.precision());
        model.save(folder);
        MatMulPlanSearch.Result search = options.precision() == ExportPrecision.INT8
                && options.quantization().op() == QuantizedMatMulOp.MIXED ? choosePlan(floatGraph, folder, options, tamper) : null;
        OnnxModel onnx = quantized(floatGraph, options, search == null ? null : search.plan(), tamper);
        return writeChecked(onnx, folder, options,
                file -> verify(model, file, folder, options, quantization(onnx)).withPlanSearch(search));
    }

    /**
     * Chooses each MatMul's form for {@link QuantizedMatMulOp#MIXED} ({@link MatMulPlanSearch}): every candidate is written
     * beside the model and run by {@link OnnxEncoder} on the sample texts, as the check runs the final file, and compared with
     * the float32 graph run the same way; the search aims at the gate plus {@value MatMulPlanSearch#DEFAULT_MARGIN}.
     */
    private static MatMulPlanSearch.Result choosePlan(OnnxModel floatGraph, Path folder, ExportOptions options,
            UnaryOperator<Int8Weights> tamper) {
        List<String> texts = options.sampleTexts();
        float[][] reference = encodeOnce(floatGraph, folder, texts);
        double target = Math.min(1, options.minCosine() + MatMulPlanSearch.DEFAULT_MARGIN);
        MatMulPlanSearch.Result result = MatMulPlanSearch.search(Int8MatMulQuantizer.quantizableWeights(floatGraph.graph()),
                weight -> floatGraph.graph().initializer(weight).orElseThrow().elementCount(), target,
                plan -> VectorMath.smallestCosine(encodeOnce(quantized(floatGraph, options, plan, tamper), folder, texts), reference),
                ProgressBar.onTerminal());
        LOG.info("{}", result.table());
        return result;
    }

    /** Writes a candidate graph under a temporary name beside the model, encodes the texts with it, and deletes it. */
    private static float[][] encodeOnce(OnnxModel onnx, Path folder, List<String> texts) {
        Path file = null;
        try {
            file = Files.createTempFile(folder, ".plan-candidate.", ".onnx.partial");
            onnx.write(file);
            try (OnnxEncoder encoder = OnnxEncoder.builder(file).tokenizer(folder.resolve("tokenizer.json")).batchSize(CHECK_BATCH_SIZE)
                    .quiet().build()) {
                return encoder.encode(texts);
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write a candidate int8 graph in " + folder + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /** Checks a written ONNX file against the model it came from. */
    @FunctionalInterface
    interface Check {
        /** Compares the file with the model; fails beyond the bounds. */
        ExportReport verify(Path onnxFile) throws IOException;
    }

    /**
     * Writes the graph under a temporary name in {@code folder}, runs the check (when the options
     * ask for it) and only then moves it to {@value #FILE_NAME}; a failed check leaves no file.
     */
    static ExportReport writeChecked(OnnxModel onnx, Path folder, ExportOptions options, Check check) {
        Path target = folder.resolve(FILE_NAME);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(folder, "." + FILE_NAME + ".", ".partial");
            onnx.write(temporary);
            ExportReport report = options.verify() ? check.verify(temporary)
                    : new ExportReport(target, options.precision(), quantization(onnx), Files.size(temporary), 0, Double.NaN, Double.NaN,
                            options.minCosine(), true, null, null);
            move(temporary, target);
            temporary = null;
            ExportReport written = report.withOnnxFile(target);
            Files.writeString(folder.resolve(ExportReport.FILE_NAME), written.toJson() + "\n");
            LOG.info("Exported {}", written);
            return written;
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", temporary, e.getMessage());
                }
            }
        }
    }

    /** The model as an ONNX graph in memory (weights copied out of the model), with the default settings of {@code precision}. */
    public static OnnxModel toOnnx(AutoModelForEmbedding model, ExportPrecision precision) {
        return toOnnx(model, ExportOptions.of(precision), UnaryOperator.identity());
    }

    /** The model as an ONNX graph in memory, stored as the options' precision and quantization say. */
    static OnnxModel toOnnx(AutoModelForEmbedding model, ExportOptions options, UnaryOperator<Int8Weights> tamper) {
        return quantized(floatGraph(model, options.precision()), options, null, tamper);
    }

    /** The model as an ONNX graph in memory with the metadata of {@code precision}, its MatMuls not quantized yet. */
    static OnnxModel floatGraph(AutoModelForEmbedding model, ExportPrecision precision) {
        TransformerConfig config = model.config();
        OnnxGraph.Builder graph = OnnxGraph.builder("retrievals_" + config.architectureName());
        OnnxExportOps ops = new OnnxExportOps(graph, model.parameters(), precision.storedFloatType());
        String hidden = encoderOutput(graph, ops, model.architecture(), config);
        String pooled = OnnxPoolingGraph.pool(ops, model.poolingName(), hidden, "attention_mask");
        String embedding = model.normalizes() ? OnnxPoolingGraph.l2Normalize(ops, pooled) : pooled;
        graph.node(OnnxNode.of(graph.uniqueName("Identity"), "Identity", List.of(hidden), List.of(OnnxEncoder.LAST_HIDDEN_STATE)));
        graph.node(OnnxNode.of(graph.uniqueName("Identity"), "Identity", List.of(embedding), List.of(OnnxEncoder.SENTENCE_EMBEDDING)));
        OnnxDimension width = OnnxDimension.fixed(config.hiddenSize());
        graph.output(OnnxValueInfo.tensor(OnnxEncoder.LAST_HIDDEN_STATE, OnnxDataType.FLOAT, BATCH, SEQUENCE, width));
        graph.output(OnnxValueInfo.tensor(OnnxEncoder.SENTENCE_EMBEDDING, OnnxDataType.FLOAT, BATCH, width));
        Map<String, String> metadata = metadata(config, model.tokenizer().maxLength(), precision);
        metadata.put(META_POOLING, model.poolingName());
        metadata.put(META_NORMALIZE, Boolean.toString(model.normalizes()));
        return OnnxModel.of(graph.build(), IR_VERSION, OPSET, "retrievals").withMetadata(metadata);
    }

    /** The built graph as a model with its metadata, its MatMul weights quantized for INT8. */
    static OnnxModel finish(OnnxGraph.Builder graph, Map<String, String> metadata, ExportOptions options, UnaryOperator<Int8Weights> tamper) {
        return quantized(OnnxModel.of(graph.build(), IR_VERSION, OPSET, "retrievals").withMetadata(metadata), options, null, tamper);
    }

    /**
     * For INT8, the float graph with its MatMuls quantized (in the form of the options' op, or as {@code plan} says when it
     * is not null) and its word embeddings when the options ask; other precisions come back as they are.
     */
    static OnnxModel quantized(OnnxModel model, ExportOptions options, MatMulPlan plan, UnaryOperator<Int8Weights> tamper) {
        if (options.precision() != ExportPrecision.INT8) {
            return model;
        }
        OnnxModel quantized = plan == null ? Int8MatMulQuantizer.quantize(model, options.quantization(), tamper)
                : Int8MatMulQuantizer.quantize(model, options.quantization(), plan, tamper);
        if (!options.quantization().embeddings()) {
            return quantized;
        }
        OnnxModel withEmbeddings = Int8EmbeddingQuantizer.quantize(quantized);
        if (withEmbeddings == quantized) {
            return quantized;
        }
        Map<String, String> described = new LinkedHashMap<>(withEmbeddings.metadataProps());
        described.put(Int8MatMulQuantizer.META_QUANTIZATION, quantization(quantized) + "; word embeddings int8, one scale per token");
        return withEmbeddings.withMetadata(described);
    }

    /** The quantization a model's metadata records, "" for none. */
    static String quantization(OnnxModel model) {
        return model.metadataProps().getOrDefault(Int8MatMulQuantizer.META_QUANTIZATION, "");
    }

    /** The batch axis of inputs and outputs. */
    static final OnnxDimension BATCH = OnnxDimension.dynamic("batch");
    /** The sequence axis of inputs and outputs. */
    static final OnnxDimension SEQUENCE = OnnxDimension.dynamic("sequence");

    /**
     * Declares the inputs ({@code input_ids}, {@code attention_mask}, and {@code token_type_ids} when
     * the architecture reads them) and appends the encoder; returns its {@code last_hidden_state}.
     */
    static String encoderOutput(OnnxGraph.Builder graph, OnnxExportOps ops, TransformerArchitecture architecture, TransformerConfig config) {
        graph.input(OnnxValueInfo.tensor("input_ids", OnnxDataType.INT64, BATCH, SEQUENCE));
        graph.input(OnnxValueInfo.tensor("attention_mask", OnnxDataType.INT64, BATCH, SEQUENCE));
        boolean types = architecture.usesTokenTypes(config);
        if (types) {
            graph.input(OnnxValueInfo.tensor("token_type_ids", OnnxDataType.INT64, BATCH, SEQUENCE));
        }
        return architecture.lastHiddenState(ops, config, "input_ids", "attention_mask", types ? "token_type_ids" : null);
    }

    /** The metadata every export carries: maximum length, padding id, model type, weight precision. */
    static Map<String, String> metadata(TransformerConfig config, int maxLength, ExportPrecision precision) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_MAX_LENGTH, Integer.toString(maxLength));
        metadata.put(META_PAD_TOKEN_ID, Long.toString(config.padTokenId()));
        metadata.put(META_MODEL_TYPE, config.modelType());
        metadata.put(META_WEIGHTS, precision.label());
        return metadata;
    }

    /**
     * Runs the written file in ONNX Runtime and the PyTorch model on the sample texts and compares;
     * beyond the bounds the export fails, or with {@code force} goes on with a warning. Runs the
     * options' evaluator on both models.
     */
    private static ExportReport verify(AutoModelForEmbedding model, Path onnxFile, Path folder, ExportOptions options, String quantization)
            throws IOException {
        List<String> texts = options.sampleTexts();
        float[][] expected = model.encode(texts);
        float[][] actual;
        ExportEvaluation evaluation = null;
        try (OnnxEncoder encoder = OnnxEncoder.builder(onnxFile).tokenizer(folder.resolve("tokenizer.json"))
                .batchSize(CHECK_BATCH_SIZE).build()) {
            actual = encoder.encode(texts);
            if (options.evaluator() != null) {
                EvaluationResult reference = options.evaluator().evaluate(model);
                EvaluationResult exported = options.evaluator().evaluate(encoder);
                evaluation = new ExportEvaluation(reference.primaryMetric(), reference.primary(), exported.primary());
            }
        }
        double maxAbs = 0;
        for (int row = 0; row < texts.size(); row++) {
            maxAbs = Math.max(maxAbs, VectorMath.maxAbsDifference(actual[row], expected[row]));
        }
        double minCosine = VectorMath.smallestCosine(actual, expected);
        boolean passed = maxAbs <= options.maxAbsDifference() && minCosine >= options.minCosine();
        ExportReport report = new ExportReport(onnxFile, options.precision(), quantization, Files.size(onnxFile), texts.size(), maxAbs,
                minCosine, options.minCosine(), passed, evaluation, null);
        if (!passed) {
            String bounds = options.maxAbsDifference() < Double.MAX_VALUE
                    ? "max |difference| " + options.maxAbsDifference() + ", min cosine " + options.minCosine()
                    : "min cosine " + options.minCosine();
            String problem = "The exported ONNX model differs from the PyTorch model beyond the bounds (" + bounds + "): " + report;
            if (!options.force()) {
                throw new RetrievalsException(problem + "; no " + FILE_NAME + " was written (force writes it anyway)");
            }
            LOG.warn("{}; written anyway (force)", problem);
        }
        return report;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
