package dev.retrievals.losses;

import com.google.auto.service.AutoService;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.Options;
import dev.retrievals.core.spi.PluginKind;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;

/** Registers {@link CoSENT} as the loss named {@code cosent}. */
@AutoService(PluginProvider.class)
@SuppressWarnings("rawtypes") // AutoService cannot name the generic PluginProvider<Loss> exactly
public final class CoSENTProvider implements PluginProvider<Loss> {
    @Override
    public PluginKind<Loss> kind() {
        return PluginKinds.LOSS;
    }

    @Override
    public String name() {
        return CoSENT.NAME;
    }

    @Override
    public String description() {
        return "CoSENT: pairs with higher gold scores must get higher cosines (scored pairs, logsumexp of ordered differences).";
    }

    @Override
    public OptionSet options() {
        return OptionSet.of(CoSENT.SCALE);
    }

    @Override
    public Loss create(Options options) {
        return CoSENT.withScale(options.get(CoSENT.SCALE));
    }
}
