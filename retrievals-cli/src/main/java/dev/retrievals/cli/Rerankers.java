package dev.retrievals.cli;

import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.pytorch.ModelOptions;
import dev.retrievals.trainer.eval.RerankingEvaluator;
import java.nio.file.Path;

/** What the reranking commands share: the first-stage model and the reranking evaluator over a BEIR folder. */
final class Rerankers {
    private Rerankers() {}

    /** The first-stage embedding model named by {@code --first-stage}; a missing flag is a usage error. */
    static AutoModelForEmbedding firstStage(String location, ModelOptions options) {
        if (location == null) {
            throw new UsageException("reranking needs the embedding model that retrieves the candidates: --first-stage ID|PATH");
        }
        if (ModelKind.isReranker(location)) {
            throw new UsageException("--first-stage " + location + " is a reranker; the first stage is an embedding model");
        }
        return AutoModelForEmbedding.fromPretrained(location, null, options);
    }

    /** The reranking evaluator over a BEIR folder, split and top-k ({@code null}: the defaults). */
    static RerankingEvaluator evaluator(String folder, AutoModelForEmbedding firstStage, String split, Integer topK) {
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
