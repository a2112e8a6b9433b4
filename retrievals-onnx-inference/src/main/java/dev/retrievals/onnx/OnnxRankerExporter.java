package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TokenizerVocabulary;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxDimension;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.onnx.OnnxValueInfo;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.pytorch.TransformerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Exports a reranker (cross-encoder) to ONNX: the folder gets everything
 * {@link AutoModelForRanking#save} writes (a Hugging Face sequence-classification folder) plus
 * {@code model.onnx} with inputs {@code input_ids}, {@code attention_mask} (and
 * {@code token_type_ids} when the architecture reads them) and the output {@code logits}
 * {@code [batch, num_labels]}, optionally passed through a sigmoid inside the graph. The graph
 * comes from the same definitions the model trains with (the architecture and its
 * {@link dev.retrievals.pytorch.arch.ClassificationHead} over {@link OnnxExportOps}); before it is
 * moved into place, {@link OnnxReranker} scores sample pairs and must match the PyTorch model.
 */
public final class OnnxRankerExporter {
    /** Metadata: whether the graph applies the sigmoid to its logits. */
    static final String META_SIGMOID = "retrievals.sigmoid";
    /** Metadata: what the graph is ({@code reranker}). */
    static final String META_KIND = "retrievals.kind";

    private OnnxRankerExporter() {}

    /**
     * Writes the reranker to {@code folder} and checks the ONNX file against the PyTorch model on
     * pairs of the options' sample texts (each with the next one); the bound is
     * {@code max_abs_difference} on the scores.
     *
     * @param sigmoid whether the graph turns the logits into probabilities
     */
    public static ExportReport export(AutoModelForRanking model, Path folder, ExportOptions options, boolean sigmoid) {
        return OnnxExporter.inEvaluationMode(model, () -> {
            TransformerConfig config = model.encoder().config();
            TokenizerVocabulary.checkFits(model.encoder().tokenizerFiles().get("tokenizer.json"), "the model's tokenizer.json",
                    config.vocabSize(), "the model (config vocab_size)");
            if (options.precision() == ExportPrecision.INT8) {
                throw new RetrievalsException("Precision int8 is not supported for rerankers yet (their check compares scores, and no"
                        + " accuracy gate is defined for them); export the reranker as fp32 or fp16");
            }
            OnnxModel onnx = toOnnx(model, options.precision(), sigmoid);
            model.save(folder);
            return OnnxExporter.writeChecked(onnx, folder, options, file -> verify(model, file, folder, options, sigmoid));
        });
    }

    /** The reranker as an ONNX graph in memory. */
    public static OnnxModel toOnnx(AutoModelForRanking model, ExportPrecision precision, boolean sigmoid) {
        TransformerConfig config = model.encoder().config();
        OnnxGraph.Builder graph = OnnxGraph.builder("retrievals_" + config.architectureName() + "_reranker");
        Map<String, ai.djl.ndarray.NDArray> weights = new LinkedHashMap<>(model.encoder().parameters());
        weights.putAll(model.headWeights().all());
        OnnxExportOps ops = new OnnxExportOps(graph, weights, precision.storedFloatType());
        String hidden = OnnxExporter.encoderOutput(graph, ops, model.encoder().architecture(), config);
        String logits = model.head().logits(ops, config, hidden);
        if (sigmoid) {
            logits = ops.node("Sigmoid", List.of(logits));
        }
        graph.node(OnnxNode.of(graph.uniqueName("Identity"), "Identity", List.of(logits), List.of(OnnxReranker.LOGITS)));
        graph.output(OnnxValueInfo.tensor(OnnxReranker.LOGITS, OnnxDataType.FLOAT, OnnxExporter.BATCH,
                OnnxDimension.fixed(model.numLabels())));
        Map<String, String> metadata = OnnxExporter.metadata(config, model.tokenizer().maxLength(), precision);
        metadata.put(META_KIND, "reranker");
        metadata.put(META_SIGMOID, Boolean.toString(sigmoid));
        return OnnxExporter.finish(graph, metadata, ExportOptions.of(precision), UnaryOperator.identity());
    }

    private static ExportReport verify(AutoModelForRanking model, Path onnxFile, Path folder, ExportOptions options, boolean sigmoid)
            throws IOException {
        List<String> texts = options.sampleTexts();
        List<String> queries = new ArrayList<>(texts);
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            documents.add(texts.get((i + 1) % texts.size()));
        }
        float[] expected = model.predict(queries, documents, sigmoid);
        float[] actual;
        try (OnnxReranker reranker = OnnxReranker.builder(onnxFile).tokenizer(folder.resolve("tokenizer.json"))
                .batchSize(texts.size()).build()) {
            actual = reranker.score(queries, documents);
        }
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
        }
        boolean passed = maxAbs <= options.maxAbsDifference();
        ExportReport report = new ExportReport(onnxFile, options.precision(), "", Files.size(onnxFile), texts.size(), maxAbs, Double.NaN,
                Double.NaN, passed, null, null);
        if (!passed) {
            throw new RetrievalsException("The exported ONNX reranker differs from the PyTorch model beyond the bound (max |difference| "
                    + options.maxAbsDifference() + "): " + report + "; no " + OnnxExporter.FILE_NAME + " was written");
        }
        return report;
    }
}
