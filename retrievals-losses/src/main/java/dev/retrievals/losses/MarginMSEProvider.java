package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link MarginMSE} as the loss named {@code margin_mse}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class MarginMSEProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return MarginMSE.NAME;
    }

    @Override
    public String description() {
        return "Margin-MSE distillation: the student's positive-minus-negative score margins regress onto the teacher's.";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(MarginMSE.SIMILARITY);
    }

    @Override
    public Loss create(Options options) {
        return MarginMSE.withSimilarity(Similarity.fromOption(options.get(MarginMSE.SIMILARITY)));
    }
}
