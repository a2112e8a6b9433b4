package dev.retrievals.cli;

import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.onnx.OnnxReranker;
import dev.retrievals.pytorch.AutoModelForRanking;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.eval.RerankingEvaluator;
import java.nio.file.Path;

/**
 * What the reranking commands share: the reranker on the chosen engine, the first-stage model and
 * the reranking evaluator over a BEIR folder.
 */
final class Rerankers {
    private Rerankers() {}

    /**
     * The reranker {@code selection.model} on {@code engine}'s backend: PyTorch (a saved model or run
     * folder), or ONNX Runtime ({@code OnnxReranker} on an export folder, an {@code .onnx} file or a
     * run folder's {@code onnx/}); {@code --max-length} applies to either.
     */
    static PairScorer open(ModelSelection selection, EngineSelection engine, String command) {
        ModelEncoders.checkBackend(engine.backend, command);
        if (engine.backend.equals("onnx")) {
            if (selection.device != null && !selection.device.equals("cpu")) {
                throw new UsageException("option --device of '" + command + "' is '" + selection.device + "'; a reranker on --backend onnx"
                        + " runs on cpu");
            }
            OnnxReranker.Builder builder = OnnxReranker.builder(Path.of(selection.model));
            if (engine.maxLength != null) {
                builder.maxLength(engine.maxLength);
            }
            return builder.build();
        }
        ModelOptions options = selection.options().withMaxLength(engine.maxLength);
        return AutoModelForRanking.builder(selection.model).modelOptions(options).build();
    }

    /**
     * The first-stage embedding model named by {@code --first-stage}, on the same engine and with the
     * same {@code --max-length} as the reranker; a missing flag is a usage error.
     */
    static ModelEncoders.Opened firstStage(String location, ModelSelection selection, EngineSelection engine, int batchSize) {
        if (location == null) {
            throw new UsageException("reranking needs the embedding model that retrieves the candidates: --first-stage ID|PATH");
        }
        if (ModelKind.isReranker(location)) {
            throw new UsageException("--first-stage " + location + " is a reranker; the first stage is an embedding model");
        }
        return ModelEncoders.open(location, null, engine.backend, engine.maxLength, true, batchSize, selection.device);
    }

    /** The reranking evaluator over a BEIR folder, split and top-k ({@code null}: the defaults). */
    static RerankingEvaluator evaluator(String folder, TextEncoder firstStage, String split, Integer topK) {
        RerankingEvaluator.Builder builder = RerankingEvaluator.builder(Path.of(folder), firstStage).showProgressBar(true);
        if (split != null) {
            builder.split(split);
        }
        if (topK != null) {
            builder.topK(topK);
        }
        return builder.build();
    }
}
