package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link RetrievalEvaluator} as the evaluator named {@code retrieval}. */
@AutoService(PluginProvider.class)
public final class RetrievalEvaluatorProvider implements PluginProvider<Evaluator> {

    @Override
    public PluginKind<Evaluator> kind() {
        return PluginKinds.EVALUATOR;
    }

    @Override
    public String name() {
        return "retrieval";
    }

    @Override
    public String description() {
        return "Exact cosine search on a BEIR folder: nDCG@k (primary ndcg@10), MRR@k, Recall@k, Precision@k, MAP@k, Accuracy@k.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(RetrievalEvaluator.PATH, RetrievalEvaluator.SPLIT, RetrievalEvaluator.K_VALUES,
                RetrievalEvaluator.PRIMARY_METRIC, CommonOptions.BATCH_SIZE, RetrievalEvaluator.CORPUS_CHUNK_SIZE,
                RetrievalEvaluator.MAX_QUERIES, RetrievalEvaluator.MAX_CORPUS_SIZE, RetrievalEvaluator.QUERY_PREFIX,
                RetrievalEvaluator.DOCUMENT_PREFIX, RetrievalEvaluator.INCLUDE_TITLE, CommonOptions.SHOW_PROGRESS_BAR);
    }

    @Override
    public Evaluator create(Options options) {
        return RetrievalEvaluator.fromOptions(options);
    }
}
