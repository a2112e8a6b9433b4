package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link StsEvaluator} as the evaluator named {@code sts}. */
@AutoService(PluginProvider.class)
public final class StsEvaluatorProvider extends EvaluatorPluginProvider {

    /** The provider {@link java.util.ServiceLoader} instantiates. */
    public StsEvaluatorProvider() {
        super("sts", "Spearman (primary) and Pearson correlation of cosine similarity with gold STS scores.",
                OptionSet.of(StsEvaluator.PATH, StsEvaluator.SENTENCE1_COLUMN, StsEvaluator.SENTENCE2_COLUMN,
                        StsEvaluator.SCORE_COLUMN, CommonOptions.BATCH_SIZE, StsEvaluator.MAX_ROWS, CommonOptions.SHOW_PROGRESS_BAR),
                StsEvaluator::fromOptions);
    }
}
