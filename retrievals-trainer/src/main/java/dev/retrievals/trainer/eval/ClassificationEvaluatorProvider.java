package dev.retrievals.trainer.eval;

import com.google.auto.service.AutoService;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link ClassificationEvaluator} as the evaluator named {@code classification}. */
@AutoService(PluginProvider.class)
public final class ClassificationEvaluatorProvider extends EvaluatorPluginProvider {

    /** The provider {@link java.util.ServiceLoader} instantiates. */
    public ClassificationEvaluatorProvider() {
        super("classification", "kNN (primary) and nearest-centroid accuracy of cosine similarity to labelled training texts.",
                OptionSet.of(ClassificationEvaluator.TRAIN_PATH, ClassificationEvaluator.TEST_PATH,
                        ClassificationEvaluator.TEXT_COLUMN, ClassificationEvaluator.LABEL_COLUMN, ClassificationEvaluator.K,
                        CommonOptions.BATCH_SIZE, ClassificationEvaluator.MAX_TRAIN_ROWS, ClassificationEvaluator.MAX_TEST_ROWS,
                        CommonOptions.SHOW_PROGRESS_BAR),
                ClassificationEvaluator::fromOptions);
    }
}
