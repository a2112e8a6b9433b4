package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link ClassificationEvaluator} as the evaluator named {@code classification}. */
@AutoService(PluginProvider.class)
public final class ClassificationEvaluatorProvider implements PluginProvider<Evaluator> {

    @Override
    public PluginKind<Evaluator> kind() {
        return PluginKinds.EVALUATOR;
    }

    @Override
    public String name() {
        return "classification";
    }

    @Override
    public String description() {
        return "kNN (primary) and nearest-centroid accuracy of cosine similarity to labelled training texts.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(ClassificationEvaluator.TRAIN_PATH, ClassificationEvaluator.TEST_PATH,
                ClassificationEvaluator.TEXT_COLUMN, ClassificationEvaluator.LABEL_COLUMN, ClassificationEvaluator.K,
                CommonOptions.BATCH_SIZE, ClassificationEvaluator.MAX_TRAIN_ROWS, ClassificationEvaluator.MAX_TEST_ROWS,
                CommonOptions.SHOW_PROGRESS_BAR);
    }

    @Override
    public Evaluator create(Options options) {
        return ClassificationEvaluator.fromOptions(options);
    }
}
