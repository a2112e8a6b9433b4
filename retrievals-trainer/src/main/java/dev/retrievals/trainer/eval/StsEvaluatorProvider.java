package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link StsEvaluator} as the evaluator named {@code sts}. */
@AutoService(PluginProvider.class)
public final class StsEvaluatorProvider implements PluginProvider<Evaluator> {

    @Override
    public PluginKind<Evaluator> kind() {
        return PluginKinds.EVALUATOR;
    }

    @Override
    public String name() {
        return "sts";
    }

    @Override
    public String description() {
        return "Spearman (primary) and Pearson correlation of cosine similarity with gold STS scores.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(StsEvaluator.PATH, StsEvaluator.SENTENCE1_COLUMN, StsEvaluator.SENTENCE2_COLUMN,
                StsEvaluator.SCORE_COLUMN, CommonOptions.BATCH_SIZE, StsEvaluator.MAX_ROWS, CommonOptions.SHOW_PROGRESS_BAR);
    }

    @Override
    public Evaluator create(Options options) {
        return StsEvaluator.fromOptions(options);
    }
}
