package dev.retrievals.onnx;

import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.onnx.OnnxDataType;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an ONNX embedding model is: architecture, pooling, weight precision and quantization, read
 * from the metadata {@link OnnxExporter} writes, or inferred from the graph for other files (int8
 * when it has integer MatMuls, fp16 when its weights are half floats). {@link OnnxEncoder} logs it
 * when it loads a model and {@code retrievals info --model PATH} prints it.
 *
 * @param file the ONNX file
 * @param architecture the model type ({@code bert}, {@code xlm-roberta} …), or "unknown"
 * @param pooling how the graph pools ({@code cls}, {@code mean} …), "none in the graph" when the caller pools
 * @param normalize whether the graph L2-normalises its embeddings
 * @param precision {@code fp32}, {@code fp16} or {@code int8}
 * @param quantization what was quantized, "none" for float models
 * @param maxLength the longest input in tokens the export records, 0 when unknown
 * @param fileBytes the file's size
 * @param writtenByRetrievals whether the file carries the exporter's metadata
 */
public record OnnxModelDescription(Path file, String architecture, String pooling, boolean normalize, String precision,
        String quantization, int maxLength, long fileBytes, boolean writtenByRetrievals) {
    private static final List<String> INTEGER_MATMULS = List.of("DynamicQuantizeMatMul", "MatMulInteger", "QLinearMatMul",
            "MatMulIntegerToFloat", "QAttention", "DynamicQuantizeLSTM");

    /** Describes a model: an {@code .onnx} file, a folder with {@code model.onnx} (or {@code onnx/model.onnx}), or a run folder. */
    public static OnnxModelDescription of(Path model) {
        Path file = OnnxEncoder.Builder.modelFile(RunFolder.onnxFolder(model));
        return of(file, OnnxModel.read(file), file.toFile().length());
    }

    /** Describes a model already read from {@code file}. */
    static OnnxModelDescription of(Path file, OnnxModel model, long fileBytes) {
        Map<String, String> metadata = model.metadataProps();
        OnnxGraph graph = model.graph();
        boolean ours = metadata.containsKey(OnnxExporter.META_WEIGHTS);
        boolean pooledInGraph = graph.outputs().stream().anyMatch(output -> output.name().equals(OnnxEncoder.SENTENCE_EMBEDDING));
        String pooling = pooledInGraph ? metadata.getOrDefault(OnnxExporter.META_POOLING, "in the graph") : "none in the graph";
        Map<String, Integer> integerOps = new LinkedHashMap<>();
        for (String op : INTEGER_MATMULS) {
            int count = graph.nodesOfType(op).size();
            if (count > 0) {
                integerOps.put(op, count);
            }
        }
        String precision = metadata.getOrDefault(OnnxExporter.META_WEIGHTS, !integerOps.isEmpty() ? "int8"
                : graph.initializers().stream().anyMatch(tensor -> tensor.dataType() == OnnxDataType.FLOAT16) ? "fp16" : "fp32");
        String quantization = metadata.getOrDefault(Int8MatMulQuantizer.META_QUANTIZATION,
                integerOps.isEmpty() ? "none" : "integer ops " + integerOps);
        int maxLength = metadata.containsKey(OnnxExporter.META_MAX_LENGTH) ? Integer.parseInt(metadata.get(OnnxExporter.META_MAX_LENGTH)) : 0;
        return new OnnxModelDescription(file, metadata.getOrDefault(OnnxExporter.META_MODEL_TYPE, "unknown"), pooling,
                Boolean.parseBoolean(metadata.get(OnnxExporter.META_NORMALIZE)), precision, quantization, maxLength, fileBytes, ours);
    }

    /** The description as {@code key: value} lines, for a person. */
    public List<String> lines() {
        return List.of(
                "file:          " + file,
                "format:        ONNX" + (writtenByRetrievals ? " (exported by retrievals)" : " (not exported by retrievals: inferred from the graph)"),
                "architecture:  " + architecture,
                "pooling:       " + pooling + (normalize ? " + L2 normalisation" : ""),
                "precision:     " + precision,
                "quantization:  " + quantization,
                "max length:    " + (maxLength > 0 ? maxLength + " tokens" : "unknown"),
                String.format(Locale.ROOT, "size:          %.1f MB", fileBytes / 1e6));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %s pooling%s, %s weights%s, %.1f MB", architecture, pooling, normalize ? " + L2" : "",
                precision, quantization.equals("none") ? "" : " (" + quantization + ")", fileBytes / 1e6);
    }
}
