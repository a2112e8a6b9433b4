package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link RetrievalEvaluator} as the evaluator named {@code retrieval}. */
@AutoService(PluginProvider.class)
public final class RetrievalEvaluatorProvider extends EvaluatorPluginProvider {

    /** The provider {@link java.util.ServiceLoader} instantiates. */
    public RetrievalEvaluatorProvider() {
        super("retrieval",
                "Search a BEIR folder (retriever exact or hnsw): nDCG@k (primary ndcg@10), MRR@k, Recall@k, Precision@k, MAP@k, Accuracy@k.",
                OptionSet.of(RetrievalEvaluator.PATH, RetrievalEvaluator.SPLIT, RetrievalEvaluator.K_VALUES,
                        RetrievalEvaluator.PRIMARY_METRIC, CommonOptions.BATCH_SIZE, RetrievalEvaluator.CORPUS_CHUNK_SIZE,
                        RetrievalEvaluator.MAX_QUERIES, RetrievalEvaluator.MAX_CORPUS_SIZE, RetrievalEvaluator.QUERY_PROMPT,
                        RetrievalEvaluator.DOCUMENT_PROMPT, RetrievalEvaluator.INCLUDE_TITLE, CommonOptions.SHOW_PROGRESS_BAR,
                        RetrievalEvaluator.RETRIEVER, RetrievalEvaluator.RECALL_SAMPLE, RetrievalEvaluator.STORE,
                        RetrievalEvaluator.MODEL_FINGERPRINT),
                RetrievalEvaluator::fromOptions);
    }
}
